"""A 34-only edition (2025, declared and imported) flows through every page (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from edition_fixtures import results_2025
from streamlit.testing.v1 import AppTest

from data import declare as d
from data import frameworks as f
from data.ingest import import_result, parse
from data.store import Store

REPO = Path(__file__).resolve().parents[1]
PAGES = ["overview", "rankings", "profile", "compare", "map", "methodology", "present"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('p25') / 'app.db'}"
    s = Store(url)
    s.seed_if_empty()
    data, _, _ = results_2025()
    fw = d.from_points(2025, {"awareness": 120, "institutions": 80, "infrastructure": 100,
                              "human_resources": 90, "cybersecurity": 110, "gov_activity": 200,
                              "econ_activity": 150, "soc_activity": 150}, basis="test")  # fmt: skip
    res = parse(data, "DTI_2025_34.xlsx", framework=fw, use_saved_mappings=False)
    assert res.ok, [p.message("en") for p in res.errors]
    out = import_result(s, res, data, user="t", framework=fw)
    assert out.version is not None
    assert f.framework(2025, "34", store=s).status == "declared"
    return url


@pytest.fixture
def app_env(db: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DTI_DB_URL", db)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(page: str, lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(str(REPO / "views" / f"{page}.py"))
    return at.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_works_with_a_34_only_edition(app_env, page, lang):
    at = run_page(page, lang, edition="2025", unit="34")
    assert not at.exception, at.exception


def test_rankings_default_to_the_latest_edition(app_env):
    at = run_page("rankings", "en")
    assert not at.exception
    assert at.selectbox(key="q_edition").value == 2025
    assert at.selectbox(key="q_unit").value == "34"


def test_overview_leads_with_the_latest_edition(app_env):
    _, _, ranks = results_2025()
    at = run_page("overview", "en")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["DTI rank 2025"] == f"{ranks['Hải Phòng']}/34"
    lead = [i.value for i in at.info if i.value.startswith("DTI 2025 was published")]
    assert lead and "Hải Phòng" in lead[0] and "2020–2024 series below is Hải Dương's" in lead[0]


def test_overview_rank_chart_marks_the_boundary(app_env):
    _, _, ranks = results_2025()
    at = run_page("overview", "en")
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    fig = next(
        f
        for f in figs
        if any(a.get("text") == "Merger 63 → 34" for a in f["layout"].get("annotations", []))
    )
    later = next(tr for tr in fig["data"] if tr.get("name") == "Hải Phòng (among 34)")
    assert later["text"] == [f"{ranks['Hải Phòng']}/34"]  # x is binary-encoded by plotly


def test_compare_follows_the_34_set_of_the_latest_edition(app_env):
    at = run_page("compare", "en")
    assert not at.exception, at.exception
    assert at.selectbox(key="q_unit").value == "34"
    # the latest comparable pair in the 34 set: 2024 is assumed and 2025 declared with
    # other points, so neither is comparable with anything; 2022 -> 2023 is
    assert (at.selectbox(key="q_from").value, at.selectbox(key="q_to").value) == (2022, 2023)
    assert "2025" in at.selectbox(key="q_to").options
    chosen = at.multiselect(key="cmp_p")
    assert len(chosen.value) == 6
    assert chosen.format_func(chosen.value[0]) == "Hải Phòng"  # the home's successor


def test_compare_shows_2025_among_34(app_env):
    _, dti, ranks = results_2025()
    at = run_page("compare", "en", unit="34", to="2025", p="31")
    assert not at.exception, at.exception
    assert at.selectbox(key="q_to").value == 2025
    assert any("use different methods" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert table.iloc[0].tolist() == [
        "Provincial DTI",
        f"{dti['Hải Phòng']:.4f} (#{ranks['Hải Phòng']})",
    ]


@pytest.mark.parametrize("page", ["map", "profile", "present"])
def test_page_defaults_to_the_latest_edition_among_34(app_env, page):
    at = run_page(page, "en")
    assert not at.exception, at.exception
    assert at.selectbox(key="q_edition").value == 2025
    assert at.selectbox(key="q_unit").value == "34"
    _, dti, ranks = results_2025()
    rank, score = f"{ranks['Hải Phòng']}/34", f"{dti['Hải Phòng']:.4f}"
    metrics = {m.label: m.value for m in at.metric}
    if page == "profile":
        assert (metrics["Rank"], metrics["Score"]) == (rank, score)
    elif page == "map":
        assert metrics["Hải Phòng's rank in 2025"] == rank
    else:
        slide = next(m.value for m in at.markdown if m.value.startswith("- Rank:"))
        assert f"- Rank: {rank}\n- DTI score: {score}" in slide


def test_methodology_opens_on_the_latest_edition(app_env):
    at = run_page("methodology", "en")
    assert not at.exception, at.exception
    assert [tab.label for tab in at.tabs][:3] == ["2025", "2024 ⚠", "2023"]


def test_a_chosen_edition_keeps_its_own_unit_set(app_env):
    at = run_page("profile", "en", edition="2023")
    assert not at.exception, at.exception
    assert (at.selectbox(key="q_edition").value, at.selectbox(key="q_unit").value) == (2023, "63")
