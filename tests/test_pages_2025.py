"""A 34-only edition (2025, declared and imported) flows through every page (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from edition_fixtures import results_2025
from streamlit.testing.v1 import AppTest

from app import declare as d
from app.dataset import load_dataset
from data import frameworks as f
from data.ingest import import_result, parse
from data.store import Store
from i18n import fmt_int

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


def _serve(url: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202
    """The app reads the store at ``url``, with empty caches before and after."""
    monkeypatch.setenv("DTI_DB_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_env(db: str, monkeypatch: pytest.MonkeyPatch):
    yield from _serve(db, monkeypatch)


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
def test_page_defaults_to_the_latest_edition_among_34(db, app_env, page):
    at = run_page(page, "en")
    assert not at.exception, at.exception
    if page == "present":  # its settings menu is closed: the URL, then open the menu
        assert (at.query_params["edition"], at.query_params["unit"]) == ("2025", "34")
        at.session_state["present_settings"] = True
        at.run()
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
        # the framework changed 2024 -> 2025: the rank change only, flagged
        r = load_dataset(Store(db)).ranked.set_index(
            ["edition", "unit_set", "province_code", "indicator"]
        )
        was = int(r.loc[(2024, "34", "31", "dti"), "rank"])
        moved = fmt_int(was - ranks["Hải Phòng"], "en", signed=True)
        assert f"- Since 2024: rank {moved} places (scores use different methods" in slide


def test_methodology_opens_on_the_latest_edition(app_env):
    at = run_page("methodology", "en")
    assert not at.exception, at.exception
    assert [tab.label for tab in at.tabs][:3] == ["2025", "2024 ⚠", "2023"]


def test_a_chosen_edition_keeps_its_own_unit_set(app_env):
    at = run_page("profile", "en", edition="2023")
    assert not at.exception, at.exception
    assert (at.selectbox(key="q_edition").value, at.selectbox(key="q_unit").value) == (2023, "63")


# ------------------------------------------------------------------ the deck for 2025 / 34


def test_deck_key_numbers_equal_the_profile_for_2025(db, monkeypatch):
    from app.dataset import load_dataset
    from app.deck import deck_slides
    from i18n import fmt_int, fmt_num, fmt_rank
    from metrics.profile import build_profile

    monkeypatch.setenv("DTI_DB_URL", db)
    monkeypatch.delenv("DTI_HOME_PROVINCE", raising=False)
    _, dti, ranks = results_2025()
    # no province (the home setting, default Hải Dương -> Hải Phòng) and no unit set
    # (2025 is 34-only) are needed
    deck = deck_slides(None, 2025, "en", 10, None)
    p = build_profile(load_dataset(), "31", 2025, "34", target_rank=10, lang="en")
    assert (p["dti"], p["dti_rank"], p["n"]) == (dti["Hải Phòng"], ranks["Hải Phòng"], 34)
    head = deck[0]
    assert head.title == "Hải Phòng: DTI 2025 results"
    assert head.numbers[:2] == [
        f"Rank: {fmt_rank(p['dti_rank'], 34, 'en')}",
        f"DTI score: {fmt_num(p['dti'], 'en')}",
    ]
    # the framework changed 2024 -> 2025 (declared points): the rank change only, flagged
    assert p["yoy"]["prev_edition"] == 2024 and p["yoy"]["comparable"] is False
    rank_change = fmt_int(p["yoy"]["rank_change"], "en", signed=True)
    assert head.numbers[2] == (
        f"Since 2024: rank {rank_change} places "
        "(scores use different methods, not directly comparable)"
    )
    assert deck[3].numbers[0] == (
        "2024 and 2025 use different methods: the change cannot be split by index."
    )
    for pil in ("gov", "econ", "soc"):
        assert fmt_num(p["pillars"][pil]["score"], "en") in " ".join(deck[2].numbers)
    assert fmt_num(p["target"]["score"], "en") in deck[6].numbers[0]


def test_deck_cli_for_a_34_only_edition(db, tmp_path):
    import subprocess
    import sys

    from pptx import Presentation

    _, dti, ranks = results_2025()
    out = tmp_path / "deck.pptx"
    proc = subprocess.run(
        [sys.executable, "-m", "charts", "deck", "--year", "2025", "--unit-set", "34",
         "--lang", "en", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
        env={"DTI_DB_URL": db, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    prs = Presentation(str(out))
    assert len(prs.slides) == 8
    first = prs.slides[0]
    assert first.shapes.title.text == "Hải Phòng: DTI 2025 results"
    body = " ".join(sh.text_frame.text for sh in first.shapes if sh.has_text_frame)
    assert f"Rank: {ranks['Hải Phòng']}/34" in body
    assert f"DTI score: {dti['Hải Phòng']:.4f}" in body
    assert "different methods" in body


# ------------------------------------------------------------------ no comparable pair


@pytest.fixture
def no_pair_env(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """A store where 2022 and 2023 were re-declared with points of their own: no two
    editions share a method (2020 alone, 2021–2023 all differ, 2024 assumed)."""
    url = f"sqlite:///{tmp_path / 'nopair.db'}"
    s = Store(url)
    s.seed_if_empty()
    base = {"awareness": 100, "institutions": 100, "infrastructure": 100,
            "human_resources": 100, "cybersecurity": 100, "gov_activity": 200,
            "econ_activity": 150, "soc_activity": 150}  # fmt: skip
    for year, shift in ((2022, 10), (2023, 20)):
        pts = {**base, "awareness": 100 + shift, "institutions": 100 - shift}
        f.declare(s, d.from_points(year, pts, basis="test", store=s), "63", user="t",
                  replace_existing=True)  # fmt: skip
    yield from _serve(url, monkeypatch)


def test_compare_says_so_when_no_two_editions_are_comparable(no_pair_env):
    at = run_page("compare", "en", unit="63")
    assert not at.exception, at.exception
    assert at.selectbox(key="q_unit").value == "63"
    assert [i.value for i in at.info if i.value.startswith("No two editions")] == [
        "No two editions in 63 provinces (pre-merger) use the same method: scores cannot be "
        "compared directly across editions; compare the ranks only."
    ]
    # it opens on the whole span, flagged as not comparable
    assert (at.selectbox(key="q_from").value, at.selectbox(key="q_to").value) == (2020, 2024)
    assert any("use different methods" in w.value for w in at.warning)


def test_compare_says_nothing_when_a_pair_is_comparable(app_env):
    at = run_page("compare", "en", unit="63")
    assert not at.exception, at.exception
    assert not [i.value for i in at.info if i.value.startswith("No two editions")]
