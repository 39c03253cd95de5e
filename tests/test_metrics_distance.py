"""Distances to neighbours, leader, centre and region best; peers; strengths/weaknesses."""

from __future__ import annotations

import pytest
from test_metrics_helpers import scores_frame, tiny_framework, units_frame, values_frame

from metrics.distance import distances, neighbours
from metrics.profile import peers, strengths_weaknesses
from metrics.ranking import rank_scores
from metrics.scoring import compute_scores

REGIONS = {"A": "N", "B": "S", "C": "N", "D": "S", "E": "N"}


@pytest.fixture()
def ranked():
    return scores_frame(
        {(2022, "A"): 0.9, (2022, "B"): 0.8, (2022, "C"): 0.8, (2022, "D"): 0.7, (2022, "E"): 0.4},
        regions=REGIONS,
    )


def test_distances_hand_computed(ranked) -> None:
    d = distances(ranked).set_index("province_code")
    assert d.at["B", "above_score"] == 0.9 and d.at["B", "gap_above"] == pytest.approx(0.1)
    assert d.at["C", "gap_below"] == pytest.approx(0.1)  # tie shares neighbours
    assert d.at["D", "gap_below"] == pytest.approx(0.3)
    assert d.at["D", "gap_leader"] == pytest.approx(0.2)
    # mean (0.9+0.8+0.8+0.7+0.4)/5 = 0.72, median 0.8
    assert d.at["D", "diff_mean"] == pytest.approx(-0.02)
    assert d.at["D", "diff_median"] == pytest.approx(-0.1)
    assert d.at["D", "gap_region_best"] == pytest.approx(0.1)  # region S best is B 0.8
    assert d.at["E", "gap_region_best"] == pytest.approx(0.5)  # region N best is A 0.9
    assert d["above_score"].isna().tolist() == [True, False, False, False, False]
    assert d.loc["E", "below_score"] != d.loc["E", "below_score"]  # NaN for the last


def test_neighbours_and_peers(ranked) -> None:
    assert neighbours(ranked, 2022, "63", "D") == {"above": ["B", "C"], "below": ["E"]}
    assert neighbours(ranked, 2022, "63", "A") == {"above": [], "below": ["B", "C"]}
    p = peers(ranked, 2022, "63", "D", k=1, band=0.1)
    assert p.region == ["B", "D"]
    assert p.above == ["B", "C"] and p.below == ["E"]
    assert p.similar == ["B", "C"]
    assert peers(ranked, 2022, "63", "D", region_code="N").region == ["A", "C", "E"]
    assert peers(ranked, 2022, "63", "ZZ").region == []


def test_strengths_and_weaknesses_relative_to_overall_rank() -> None:
    fw = tiny_framework()
    idx = ["awareness", "gov_activity", "econ_activity", "soc_activity"]
    rows = {"A": [0.9, 0.9, 0.9, 0.9], "B": [0.2, 0.8, 0.8, 0.8], "C": [0.5, 0.5, 0.95, 0.1]}
    v = values_frame({(2022, c): dict(zip(idx, r, strict=True)) for c, r in rows.items()})
    r = rank_scores(compute_scores(v, {2022: fw}), units_frame(dict.fromkeys(rows, "X")))
    # dti: A .9, B (20+160+120+120)/600=.7, C (50+100+142.5+15)/600=.5125 -> ranks 1,2,3
    sw = strengths_weaknesses(r, fw, "63", "C").set_index("indicator")
    assert sw.at["econ_activity", "rank_gap"] == 3 - 1
    assert sw.at["soc_activity", "rank_gap"] == 0
    assert sw.at["awareness", "rank_gap"] == 3 - 2
    assert sw.at["econ_activity", "kind"] == "strength"
    assert sw.at["awareness", "kind"] == "strength"
    assert (sw["kind"] == "weakness").sum() == 0
    sw_b = strengths_weaknesses(r, fw, "63", "B").set_index("indicator")
    assert sw_b.at["awareness", "rank_gap"] == 2 - 3 and sw_b.at["awareness", "kind"] == "weakness"
