"""Trend, contributions to the DTI change, rank-change decomposition (hand-computed)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_metrics_helpers import (
    pillar_framework,
    scores_frame,
    tiny_framework,
    units_frame,
    values_frame,
)

from metrics.change import contributions, trend
from metrics.rank_change import overtakes, rank_change_decomposition
from metrics.ranking import rank_scores
from metrics.scoring import compute_scores

FWS = {2020: pillar_framework(2020), 2021: tiny_framework(2021), 2022: tiny_framework(2022)}


def test_trend_span_cagr_best_worst() -> None:
    r = scores_frame(
        {
            (2020, "01"): 0.30,
            (2021, "01"): 0.40,
            (2022, "01"): 0.49,
            (2020, "02"): 0.35,
            (2021, "02"): 0.45,
            (2022, "02"): 0.48,
        }
    )
    t = trend(r, FWS).set_index("province_code")
    # 2020 has another framework: the span starts in 2021
    assert t.at["01", "first_edition"] == 2021 and bool(t.at["01", "break_in_series"])
    assert t.at["01", "change"] == pytest.approx(0.09)
    assert t.at["01", "cagr"] == pytest.approx((0.49 / 0.40) ** (1 / 1) - 1)
    # ranks: 01 is 2,2,1 -> best 1 (2022), worst 2 (latest: 2021)
    assert (t.at["01", "best_rank"], t.at["01", "best_rank_edition"]) == (1, 2022)
    assert (t.at["01", "worst_rank"], t.at["01", "worst_rank_edition"]) == (2, 2021)


def test_trend_cagr_over_two_years() -> None:
    fws = {2021: tiny_framework(2021), 2023: tiny_framework(2023)}
    r = scores_frame({(2021, "01"): 0.4773, (2023, "01"): 0.7223})
    t = trend(r, fws).iloc[0]
    assert t["cagr"] == pytest.approx((0.7223 / 0.4773) ** 0.5 - 1)
    assert t["cagr"] == pytest.approx(0.2302, abs=1e-4)
    assert not t["break_in_series"]


TWO_YEARS = {
    (2021, "01"): {
        "awareness": 0.50,
        "gov_activity": 0.40,
        "econ_activity": 0.30,
        "soc_activity": 0.20,
    },
    (2022, "01"): {
        "awareness": 0.60,
        "gov_activity": 0.55,
        "econ_activity": 0.30,
        "soc_activity": 0.10,
    },
}


def test_contributions_hand_computed_and_close_on_published() -> None:
    scores = compute_scores(values_frame(TWO_YEARS), FWS)
    c = contributions(scores, FWS, 2022, "63").set_index("indicator")
    # weights 100/600, 200/600, 150/600, 150/600
    assert c.at["awareness", "contribution"] == pytest.approx(0.1 / 6)
    assert c.at["gov_activity", "contribution"] == pytest.approx(0.15 * 2 / 6)
    assert c.at["econ_activity", "contribution"] == pytest.approx(0.0)
    assert c.at["soc_activity", "contribution"] == pytest.approx(-0.1 * 1.5 / 6)
    # dti: 2021 (50+80+45+30)/600 = .341667 -> .3417; 2022 (60+110+45+15)/600 = .383333 -> .3833
    assert c["dti_change"].iloc[0] == pytest.approx(0.0416)
    raw_change = 230 / 600 - 205 / 600
    inputs = c.drop(index="rounding")["contribution"]
    assert inputs.sum() == pytest.approx(raw_change, abs=1e-12)
    assert c.at["rounding", "contribution"] == pytest.approx(0.0416 - raw_change, abs=1e-12)
    assert c["contribution"].sum() == pytest.approx(0.0416, abs=1e-12)


def test_contributions_across_framework_break_flagged_not_computed() -> None:
    v = values_frame(
        {
            (2020, "01"): {"gov": 0.3, "econ": 0.2, "soc": 0.1},
            **{k: d for k, d in TWO_YEARS.items() if k[0] == 2021},
        }
    )
    c = contributions(compute_scores(v, FWS), FWS, 2021, "63")
    assert len(c) == 1 and not c["comparable"].iloc[0]
    assert c["contribution"].isna().all() and c["dti_change"].isna().all()


def test_contributions_missing_input_is_missing() -> None:
    data = {k: dict(d) for k, d in TWO_YEARS.items()}
    del data[(2022, "01")]["soc_activity"]
    c = contributions(compute_scores(values_frame(data), FWS), FWS, 2022, "63")
    assert c["contribution"].isna().all()


unit = st.integers(0, 10000).map(lambda i: i / 10000)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(unit, unit, unit, unit, unit, unit, unit, unit), min_size=1, max_size=6))
def test_contributions_sum_exactly_to_the_change(rows) -> None:
    keys = ["awareness", "gov_activity", "econ_activity", "soc_activity"]
    data = {}
    for i, r in enumerate(rows):
        data[(2021, f"{i:02d}")] = dict(zip(keys, r[:4], strict=True))
        data[(2022, f"{i:02d}")] = dict(zip(keys, r[4:], strict=True))
    scores = compute_scores(values_frame(data), FWS)
    c = contributions(scores, FWS, 2022, "63")
    raw = scores[scores["indicator"] == "dti"].pivot(
        index="province_code", columns="edition", values="raw"
    )
    for code, part in c.groupby("province_code"):
        inputs = part[part["indicator"] != "rounding"]["contribution"].sum()
        assert inputs == pytest.approx(raw.at[code, 2022] - raw.at[code, 2021], abs=1e-12)
        assert part["contribution"].sum() == pytest.approx(part["dti_change"].iloc[0], abs=1e-12)
        assert (
            abs(part.loc[part["indicator"] == "rounding", "contribution"].iloc[0]) <= 1e-4 + 1e-12
        )


def test_rank_change_decomposition_hand_computed() -> None:
    r = scores_frame(
        {
            (2021, "A"): 0.9,
            (2021, "B"): 0.8,
            (2021, "C"): 0.7,
            (2022, "A"): 0.85,
            (2022, "B"): 0.75,
            (2022, "C"): 0.8,
        }
    )
    d = rank_change_decomposition(r, FWS, 2022, "63").set_index("province_code")
    assert d.at["C", "prev_rank"] == 3 and d.at["C", "rank"] == 2
    assert d.at["C", "counterfactual_rank"] == 2  # 0.8 vs old A .9, B .8 -> only A above
    assert (d.at["C", "own_effect"], d.at["C", "others_effect"]) == (1, 0)
    # B: 2 -> 3; with 0.75 against old A .9, C .7 it would be 2 -> own 0, others -1
    assert (d.at["B", "own_effect"], d.at["B", "others_effect"]) == (0, -1)
    ov = overtakes(r, 2022, 2021, "63", "C")
    assert ov.we_overtook == ["B"] and ov.overtook_us == []
    assert overtakes(r, 2022, 2021, "63", "B").overtook_us == ["C"]


def test_rank_change_decomposition_across_framework_break() -> None:
    r = scores_frame({(2020, "A"): 0.3, (2020, "B"): 0.4, (2021, "A"): 0.6, (2021, "B"): 0.5})
    d = rank_change_decomposition(r, FWS, 2021, "63").set_index("province_code")
    assert d.at["A", "rank_change"] == 1
    assert not d["comparable"].any() and d["own_effect"].isna().all()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=2, max_size=20))
def test_decomposition_invariants(pairs) -> None:
    data = {}
    for i, (a, b) in enumerate(pairs):
        data[(2021, f"{i:02d}")] = a / 20
        data[(2022, f"{i:02d}")] = b / 20
    r = scores_frame(data)
    d = rank_change_decomposition(r, FWS, 2022, "63").set_index("province_code")
    assert (d["own_effect"] + d["others_effect"] == d["rank_change"]).all()
    for code in d.index:
        ov = overtakes(r, 2022, 2021, "63", code)
        assert len(ov.we_overtook) - len(ov.overtook_us) == d.at[code, "rank_change"]


def test_rank_scores_yoy_pipeline_with_units() -> None:
    scores = compute_scores(values_frame(TWO_YEARS), FWS)
    r = rank_scores(scores, units_frame({"01": "A"}))
    assert isinstance(r, pd.DataFrame) and (r["rank"] == 1).all()
