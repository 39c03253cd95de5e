"""Every URL parameter of every page, fed garbage: the page renders its defaults with a
small translated notice naming the parameter, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from i18n import t

REPO = Path(__file__).resolve().parents[1]

# page -> its URL parameters (besides lang, which every page reads)
PARAMS = {
    "overview": [],
    "rankings": ["edition", "unit", "measure", "view", "region", "q"],
    "profile": ["unit", "province", "edition", "target"],
    "compare": ["p", "from", "to"],
    "map": ["unit", "edition", "ind", "colour"],
    "methodology": [],
    "present": ["unit", "province", "edition", "target", "slide", "full"],
}
for _params in PARAMS.values():
    _params.append("official")  # every page reads the "official figures only" switch
GARBAGE = {
    "words": "abc",
    "huge": "9" * 200,
    "negative": "-3",
    "markup": "<script>alert(1)</script>",
}


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(str(REPO / "views" / f"{page}.py"))
    return at.run()


def notices(at: AppTest, lang: str) -> set[str]:
    """The parameter names the page said it did not understand."""
    texts = {c.value for c in at.caption}
    names = set()
    for name in {p for ps in PARAMS.values() for p in ps} | {"lang"}:
        if t("url.ignored", lang, name=name) in texts:
            names.add(name)
    return names


def value(at: AppTest, name: str) -> str:
    v = at.query_params[name]
    return v[0] if isinstance(v, list) else v


@pytest.mark.parametrize("kind", list(GARBAGE))
@pytest.mark.parametrize("page", list(PARAMS))
def test_garbage_in_every_parameter_falls_back_with_a_notice(app_env, page, kind):
    bad = GARBAGE[kind]
    at = run(page, lang=bad, **dict.fromkeys(PARAMS[page], bad))
    assert not at.exception, at.exception
    assert at.title, "the page still renders"
    # Vietnamese is the default language; every parameter is named in a notice (a short
    # text is a valid search, so ?q= is only cut, with its notice, when too long).
    expected = {"lang", *PARAMS[page]}
    if kind != "huge":
        expected.discard("q")  # any short text is a valid search
    assert notices(at, "vi") == expected
    assert value(at, "lang") == "vi"
    for name in PARAMS[page]:
        if name in ("unit",):
            assert value(at, name) == "63"
        if name == "target":
            assert value(at, name) == "10"
        if name == "slide":  # a number past the end opens the last slide
            assert value(at, name) == ("8" if kind == "huge" else "1")


def test_profile_target_and_edition(app_env):
    at = run("profile", lang="en", target="abc")
    assert not at.exception
    assert notices(at, "en") == {"target"}
    assert at.number_input(key="target").value == 10
    at = run("profile", lang="en", target="64")  # above the 63 units
    assert notices(at, "en") == {"target"} and at.number_input(key="target").value == 10
    at = run("profile", lang="en", target="63", edition="2019", unit="34")
    assert not at.exception
    # 2019 is not an edition: the latest one is shown; 63 is above the 34 units
    assert notices(at, "en") == {"edition", "target"}
    assert value(at, "edition") == "2024" and value(at, "unit") == "34"
    at = run("profile", lang="en", target="13", edition="2022", province="30")
    assert not at.exception and notices(at, "en") == set()
    assert at.number_input(key="target").value == 13 and value(at, "edition") == "2022"


def test_compare_keeps_known_codes_and_says_it_dropped_others(app_env):
    at = run("compare", lang="vi", p="30,zz,1,30")
    assert not at.exception
    assert notices(at, "vi") == {"p"}
    assert value(at, "p") == "30,01"
