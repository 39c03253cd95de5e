"""AppTest smoke and value tests for every page, in both languages."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data.dataset import build_dataset
from data.store import Store

REPO = Path(__file__).resolve().parents[1]
PAGES = ["overview", "methodology"]


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(page: str, lang: str = "vi") -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(str(REPO / "pages" / f"{page}.py"))
    return at.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(app_env, page, lang):
    at = run_page(page, lang)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


def test_overview_shows_metrics_values(app_env, tmp_path):
    at = run_page("overview", "vi")
    s = Store()
    ds = build_dataset(s.load_values())
    r = ds.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    rank = int(r.loc[(2024, "63", "30", "dti"), "rank"])
    score = r.loc[(2024, "63", "30", "dti"), "score"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Thứ hạng DTI 2024"] == f"{rank}/63"
    assert metrics["Điểm DTI 2024"] == f"{score:.4f}".replace(".", ",")
    assert at.title[0].value.startswith("Hải Dương trong bảng xếp hạng DTI")
    assert "giá trị" in at.warning[0].value  # the illustrative banner
    figs = at.get("plotly_chart")
    assert len(figs) == 2


def test_overview_in_english(app_env):
    at = run_page("overview", "en")
    labels = [m.label for m in at.metric]
    assert "DTI rank 2024" in labels
    assert at.title[0].value == "Hải Dương in the DTI ranking of the 63 provinces"
