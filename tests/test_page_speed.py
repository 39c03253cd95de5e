"""Page-speed measures that must not change what is shown: plain-dict figures are valid
plotly figures, identical once validated; shipped figures are the figures; the profile
builds only its open section; the memo builds a key once."""

import json
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from app.dataset import load_dataset
from charts.map import tile_map
from charts.trajectory import score_spread
from data.store import Store
from data.tilegrid import island_tiles, tile_grid
from metrics.geo import map_tiles
from metrics.trajectory import field_scores, trajectory

REPO = Path(__file__).resolve().parents[1]


def _validated_equal(fig: go.Figure) -> None:
    """Graph-objects validation (which raises on any unknown or invalid property) of the
    dict-built figure gives back the same figure."""
    plain = json.loads(fig.to_json())
    checked = go.Figure(plain)  # validates
    assert json.loads(checked.to_json()) == plain


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('db') / 'speed.db'}")
    store.seed_if_empty()
    return load_dataset(store)


@pytest.mark.parametrize("unit_set", ["63", "34"])
@pytest.mark.parametrize("measure", ["score", "rank", "tier"])
def test_tile_map_from_dicts_is_a_valid_figure(ds, unit_set, measure):
    prov = ds.provenance()
    tiles = map_tiles(ds.ranked, prov, tile_grid(unit_set), ds.units, 2024, unit_set, "dti")
    fig = tile_map(tiles, island_tiles(unit_set), measure, "30", "DTI", "t", "vi")
    _validated_equal(fig)
    assert len(fig.layout.shapes) >= len(tiles)  # a rectangle per tile at least
    assert fig.data[0].customdata == tuple(tiles["code"])
    assert fig.layout.template.layout.font.family.startswith("Arial")  # the theme resolved


def test_score_spread_from_dicts_is_a_valid_figure(ds):
    prov = ds.provenance()
    units = ds.units_of("63", "en")
    names = dict(zip(units["province_code"], units["name"], strict=True))
    traj = trajectory(ds.ranked, prov, "30", "63")
    fig = score_spread(field_scores(ds.ranked, prov, "63"), traj, names, names["30"], "en")
    _validated_equal(fig)
    assert [tr.name for tr in fig.data][1:] == ["National median", "Leader", names["30"]]
    assert fig.layout.separators == ".,"


def _profile() -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.query_params.update({"lang": "en", "province": "30", "edition": "2023", "unit": "63"})
    at.switch_page(str(REPO / "views" / "profile.py"))
    return at.run()


SECTIONS = {  # profile tab -> the charts it holds (edition 2023: every section has one)
    "History": ["p_spread", "p_rank"],
    "Strengths and weaknesses": ["p_matrix", "p_radar"],
    "Why did the rank move?": ["p_waterfall"],
    "What would it take to climb?": ["p_ladder"],
    "How certain is the rank?": ["p_interval"],
}


def test_profile_builds_only_the_open_section(fresh_app):
    at = _profile()  # the headline and the first tab, History, only
    assert not at.exception, at.exception
    assert [tab.label for tab in at.tabs] == list(SECTIONS)
    assert len(at.get("plotly_chart")) == 2
    assert at.metric[0].value == "14/63"  # the headline stays above the tabs
    seen = 0
    for label in SECTIONS:
        at.session_state["profile_tab"] = label  # the user opens the tab
        at.run()
        assert not at.exception, (label, at.exception)
        n = len(at.get("plotly_chart"))
        assert n == len(SECTIONS[label]), label
        seen += n
    assert seen == 7  # every chart of the page is still there, one tab at a time


def test_a_shipped_figure_is_the_figure_made_once():
    from charts.theme import shipped

    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[0.5, 0.25, 0.125], name="a"))
    first = shipped(fig)
    assert isinstance(first, go.Figure) and first.to_dict() == fig.to_dict()
    assert shipped(fig).to_dict() is first.to_dict()  # the dict is made once per figure
    assert shipped(first) is first


def test_memo_builds_a_key_once_for_racing_sessions():
    import threading
    import time

    from views._shared import _MemoTable

    table = _MemoTable(2)
    built: list[int] = []

    def build() -> int:
        built.append(1)
        time.sleep(0.05)  # long enough for every thread to ask while it builds
        return 42

    got: list[int] = []
    threads = [threading.Thread(target=lambda: got.append(table.get("k", build))) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert got == [42] * 8 and len(built) == 1
    table.get("a", lambda: 1)
    table.get("b", lambda: 2)  # bounded: the least recently used key ("k") goes
    assert table.get("k", lambda: 7) == 7


def test_memo_keeps_nothing_for_a_failed_build():
    from views._shared import _MemoTable

    table = _MemoTable(4)

    def fail() -> int:
        raise KeyError("no data")

    with pytest.raises(KeyError):
        table.get("k", fail)
    assert table.get("k", lambda: 5) == 5  # retried, not stuck
    assert not table._building  # no lock left behind
