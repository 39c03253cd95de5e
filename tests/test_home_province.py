"""DTI_HOME_PROVINCE: the province the app is about is a setting (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.dataset import build_dataset
from data.settings import SettingError, home_province
from data.store import Store

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("value", "c63", "c34", "n34"),
    [
        (None, "30", "31", "Hải Phòng"),  # default Hải Dương -> its successor Hải Phòng
        ("Bắc Ninh", "27", "24", "Bắc Ninh"),
        ("27", "27", "24", "Bắc Ninh"),  # a 63-set GSO code
        ("tinh bac ninh", "27", "24", "Bắc Ninh"),  # through the normaliser
        ("Yên Bái", "15", "15", "Lào Cai"),  # new Lào Cai carries Yên Bái's code
        ("TP HCM", "79", "79", "TP. Hồ Chí Minh"),
    ],
)
def test_home_from_setting(monkeypatch, value, c63, c34, n34):
    if value is None:
        monkeypatch.delenv("DTI_HOME_PROVINCE", raising=False)
    else:
        monkeypatch.setenv("DTI_HOME_PROVINCE", value)
    monkeypatch.chdir(REPO)
    h = home_province()
    assert (h.code("63"), h.code("34")) == (c63, c34)
    assert h.name("34") == n34


def test_secrets_file_and_bad_value(monkeypatch, tmp_path):
    monkeypatch.delenv("DTI_HOME_PROVINCE", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        'DTI_HOME_PROVINCE = "Quảng Nam"\n', encoding="utf-8"
    )
    h = home_province()
    assert (h.code63, h.name("34")) == ("49", "Đà Nẵng")
    monkeypatch.setenv("DTI_HOME_PROVINCE", "Bac Ninhh")
    with pytest.raises(SettingError) as exc:
        home_province()
    assert "Bắc Ninh" in exc.value.message("en") and "matches no province" in exc.value.message(
        "en"
    )


@pytest.fixture
def bac_ninh(tmp_path, monkeypatch):
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("DTI_HOME_PROVINCE", "Bắc Ninh")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _run(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(str(REPO / "views" / f"{page}.py"))
    return at.run()


def test_the_app_is_about_bac_ninh(bac_ninh):
    at = _run("overview")
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Bắc Ninh")
    ds = build_dataset(Store().load_values())
    r = ds.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["DTI rank 2024"] == f"{int(r.loc[(2024, '63', '27', 'dti'), 'rank'])}/63"
    assert "Provincial Digital Transformation Index – Bắc Ninh" in [
        c.value for c in at.sidebar.caption
    ]
    prof = _run("profile")
    assert not prof.exception
    assert prof.selectbox(key="q_province").value == "27"
    comp = _run("compare")
    assert not comp.exception
    assert comp.multiselect(key="cmp_p").value[0] == "27"
    # the deck's subject on the presentation page follows the setting as well
    pres = _run("present")
    assert not pres.exception
    assert pres.query_params["province"] == "27"  # its settings menu is closed: the URL
    pres.session_state["present_settings"] = True  # open the menu: the box says the same
    pres.run()
    assert pres.selectbox(key="q_province").value == "27"
    json.dumps(metrics)  # plain values
