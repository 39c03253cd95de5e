"""Page-speed measures that must not change what is shown: plain-dict figures are valid
plotly figures, identical once validated; the profile splits its first visit only."""

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


def test_profile_splits_only_its_first_visit(fresh_app):
    first = _profile()  # nothing built yet: the run stops after the history and reruns
    assert not first.exception, first.exception
    assert "_fold_profile" in first.session_state
    assert len(first.get("plotly_chart")) == 7  # the second run drew the rest (2023: all 7)
    again = _profile()  # another session, same inputs: built, so one run draws it all
    assert not again.exception, again.exception
    assert "_fold_profile" not in again.session_state
    assert [c.proto.spec for c in again.get("plotly_chart")] == [
        c.proto.spec for c in first.get("plotly_chart")
    ]
