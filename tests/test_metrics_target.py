"""Score for a rank, cheapest allocation (greedy vs brute force), what-if."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_metrics_helpers import tiny_framework, units_frame, values_frame

from metrics.target import cheapest_allocation, score_for_rank, what_if


def test_score_for_rank_strictly_above_kth() -> None:
    s = pd.Series({"A": 0.80, "B": 0.75, "C": 0.70, "ME": 0.60})
    t = score_for_rank(s, "ME", 2)
    assert t.target_score == pytest.approx(0.7501) and t.kth_code == "B"
    assert t.gap == pytest.approx(0.1501) and t.current_rank == 4 and not t.reached
    top = score_for_rank(s, "A", 1)
    assert top.reached and top.gap == 0.0 and top.target_score == pytest.approx(0.7501)
    assert score_for_rank(s, "ME", 10).target_score == 0.60  # fewer than k others


def test_score_for_rank_target_gives_rank() -> None:
    s = pd.Series({"A": 0.8, "B": 0.75, "C": 0.75, "D": 0.7, "ME": 0.6})
    for k in (1, 2, 3, 4):
        t = score_for_rank(s, "ME", k)
        others = s.drop("ME")
        assert 1 + int((others > t.target_score).sum()) <= k


def test_cheapest_allocation_hand_computed() -> None:
    plan = cheapest_allocation({"a": 0.5, "b": 0.9}, {"a": 100, "b": 300}, 0.05)
    p = plan.set_index("indicator")
    # b weighs 0.75: fill its headroom 0.1 -> 0.075 >= 0.05? need 0.05/0.75 = 0.0667 -> 0.0667
    assert p.at["b", "increase"] == pytest.approx(0.0667)
    assert p.at["a", "increase"] == 0.0
    assert plan["dti_gain"].sum() >= 0.05
    assert bool(plan["feasible"].iloc[0])


def test_cheapest_allocation_spills_over_and_infeasible() -> None:
    plan = cheapest_allocation({"a": 0.5, "b": 0.98}, {"a": 100, "b": 300}, 0.05)
    p = plan.set_index("indicator")
    assert p.at["b", "increase"] == pytest.approx(0.02)  # full headroom, gain 0.015
    # remaining 0.035 / 0.25 = 0.14
    assert p.at["a", "increase"] == pytest.approx(0.14)
    bad = cheapest_allocation({"a": 0.99, "b": 0.99}, {"a": 100, "b": 300}, 0.5)
    assert not bad["feasible"].iloc[0] and bad["increase"].tolist() == [0.01, 0.01]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 20), min_size=3, max_size=3),
    st.lists(st.integers(1, 4), min_size=3, max_size=3),
    st.integers(1, 30),
)
def test_greedy_is_no_worse_than_any_grid_allocation(vals, pts, gain_steps) -> None:
    # values on a 0.05 grid, gain in 0.01 steps; brute force over the 0.05 grid of increases
    values = {k: v / 20 for k, v in zip("abc", vals, strict=True)}
    points = {k: float(p) for k, p in zip("abc", pts, strict=True)}
    gain = gain_steps / 100
    plan = cheapest_allocation(values, points, gain)
    w = {k: p / sum(points.values()) for k, p in points.items()}
    grids = [[i / 20 for i in range(0, 21 - vals[j])] for j in range(3)]
    best = min(
        (
            sum(x)
            for x in itertools.product(*grids)
            if sum(w[k] * xi for k, xi in zip("abc", x, strict=True)) >= gain - 1e-12
        ),
        default=None,
    )
    if best is None:
        assert not plan["feasible"].iloc[0]
    else:
        assert plan["feasible"].iloc[0]
        assert plan["increase"].sum() <= best + 3e-4  # + rounding up to 4 decimals
        assert plan["dti_gain"].sum() >= gain - 1e-9


FW = tiny_framework()
IDX = ["awareness", "gov_activity", "econ_activity", "soc_activity"]
ROWS = {"01": [0.9, 0.9, 0.9, 0.9], "02": [0.2, 0.8, 0.8, 0.8], "03": [0.5, 0.5, 0.95, 0.1]}


def _values() -> pd.DataFrame:
    v = values_frame({(2022, c): dict(zip(IDX, r, strict=True)) for c, r in ROWS.items()})
    official = values_frame({(2022, "01"): {"dti": 0.9001}})  # a stored official total
    return pd.concat([v, official], ignore_index=True)


def test_what_if_unchanged_keeps_ranks_and_official_totals() -> None:
    units = units_frame(dict.fromkeys(ROWS, "X"))
    base = what_if(_values(), {2022: FW}, units, 2022, "63", {})
    same = what_if(_values(), {2022: FW}, units, 2022, "63", {"03": {"awareness": 0.5}})
    k = ["province_code", "indicator"]
    pd.testing.assert_series_equal(base.set_index(k)["rank"], same.set_index(k)["rank"])
    assert not base["changed"].any()
    assert base.set_index(k).at[("01", "dti"), "score"] == 0.9001


def test_what_if_edit_rescored_and_reranked() -> None:
    units = units_frame(dict.fromkeys(ROWS, "X"))
    out = what_if(
        _values(), {2022: FW}, units, 2022, "63", {"03": {"soc_activity": 1.0, "gov_activity": 1.0}}
    ).set_index(["province_code", "indicator"])
    # 03: (50 + 200 + 142.5 + 150) / 600 = 0.904167 -> 0.9042 > 01's official 0.9001
    assert out.at[("03", "dti"), "score"] == pytest.approx(0.9042)
    assert out.at[("03", "dti"), "rank"] == 1 and out.at[("01", "dti"), "rank"] == 2
    # gov pillar = (100*.5 + 200*1) / 300 = 0.8333
    assert out.at[("03", "gov"), "score"] == pytest.approx(0.8333)
    assert out.at[("03", "dti"), "changed"] and not out.at[("02", "dti"), "changed"]
    with pytest.raises(ValueError):
        what_if(_values(), {2022: FW}, units, 2022, "63", {"03": {"dti": 1.0}})


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 100), min_size=4, max_size=4), min_size=2, max_size=8))
def test_what_if_with_unchanged_values_returns_same_ranks(rows) -> None:
    data = {
        (2022, f"{i:02d}"): {k: x / 100 for k, x in zip(IDX, r, strict=True)}
        for i, r in enumerate(rows)
    }
    v = values_frame(data)
    units = units_frame({c: "X" for _, c in data})
    edits = {c: dict(d) for (_, c), d in data.items()}
    a = what_if(v, {2022: FW}, units, 2022, "63", {}).set_index(["province_code", "indicator"])
    b = what_if(v, {2022: FW}, units, 2022, "63", edits).set_index(["province_code", "indicator"])
    pd.testing.assert_series_equal(a["rank"], b.loc[a.index, "rank"])
