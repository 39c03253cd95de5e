"""Ranks, percentiles, tiers; the golden test against every published figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_metrics_helpers import scores_frame, tiny_framework, units_frame, values_frame

from metrics.ranking import competition_rank, rank_scores, tier_label, tier_of
from metrics.scoring import compute_scores, reconcile


def test_competition_rank_ties_share_best_and_skip() -> None:
    r = competition_rank(pd.Series([0.9, 0.8, 0.8, 0.7, np.nan]))
    assert r.tolist()[:4] == [1, 2, 2, 4]
    assert pd.isna(r.iloc[4])


def test_rank_scores_national_regional_percentile_tier() -> None:
    r = scores_frame(
        {(2022, "01"): 0.9, (2022, "02"): 0.8, (2022, "03"): 0.8, (2022, "04"): 0.7},
        regions={"01": "A", "02": "B", "03": "A", "04": "B"},
    )
    r = r.set_index("province_code")
    assert r["rank"].tolist() == [1, 2, 2, 4]
    assert r["percentile"].round(6).tolist() == [1.0, round(1 / 3, 6), round(1 / 3, 6), 0.0]
    assert r["region_rank"].tolist() == [1, 1, 2, 2]
    assert r["region_n"].tolist() == [2, 2, 2, 2]
    # n = 4: tier = floor(4 * (rank - 1) / 4) + 1
    assert r["tier"].tolist() == [1, 2, 2, 4]
    assert r.loc["01", "tier_vi"] == "Nhóm 1 (cao nhất)"
    assert r.loc["04", "tier_en"] == "Bottom quartile"


def test_tier_boundaries_for_63() -> None:
    t = tier_of(pd.Series([1, 16, 17, 32, 33, 48, 49, 63]), pd.Series([63] * 8))
    assert t.tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert tier_label(1, "en") == "Top quartile"
    assert tier_label(4) == "Nhóm 4 (thấp nhất)"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=25), st.randoms())
def test_ranks_independent_of_row_order_and_ties_share_best(ints: list[int], rnd) -> None:
    data = {(2022, f"{i:02d}"): v / 30 for i, v in enumerate(ints)}
    a = scores_frame(data).set_index("province_code")
    keys = list(data)
    rnd.shuffle(keys)
    b = scores_frame({k: data[k] for k in keys}).set_index("province_code")
    pd.testing.assert_series_equal(a["rank"], b.loc[a.index, "rank"])
    s = a["score"]
    for code in a.index:
        assert a.at[code, "rank"] == 1 + int((s > s[code]).sum())


def test_reconcile_reports_published_minus_recomputed() -> None:
    fw = tiny_framework()
    v = values_frame(
        {
            (2022, "01"): {
                "awareness": 0.5,
                "gov_activity": 0.6,
                "econ_activity": 0.7,
                "soc_activity": 0.8,
                "dti": 0.6501,
            }
        }
    )
    scores = compute_scores(v, {2022: fw})
    # (50 + 120 + 105 + 120) / 600 = 0.658333 -> 0.6583
    rec = reconcile(v, scores).set_index("indicator")
    assert rec.at["dti", "recomputed"] == pytest.approx(0.6583)
    assert rec.at["dti", "diff"] == pytest.approx(-0.0082)
    assert not rec.at["dti", "ok"]
    r = rank_scores(scores, units_frame({"01": "A"}))
    assert r.set_index("indicator").at["dti", "score"] == 0.6501  # official figure shown


@pytest.fixture(scope="module")
def bundle_dataset():
    from app.dataset import build_dataset
    from data.store import load_bundle

    return build_dataset(load_bundle())


def test_golden_every_published_figure(bundle_dataset) -> None:
    from data.store import load_published

    pub = load_published()
    m = pub.merge(
        bundle_dataset.ranked,
        on=["edition", "unit_set", "province_code", "indicator"],
        how="left",
        validate="many_to_one",
    )
    assert len(m) == len(pub) > 300
    scores = m[m["kind"] == "score"]
    bad = scores[(scores["value"].astype(float) - scores["score"]).abs() > 1e-9]
    assert bad.empty, bad[["edition", "unit_set", "province_code", "indicator", "value", "score"]]
    ranks = m[m["kind"] == "rank"]
    bad = ranks[ranks["value"].astype(float) != ranks["rank"].astype(float)]
    assert bad.empty, bad[["edition", "unit_set", "province_code", "indicator", "value", "rank"]]
    # every published score is also reproduced by the formula to within the publisher's
    # 0.0001; exactly one (TP. Hồ Chí Minh 2022: 0.7163 published, 0.7164 recomputed) differs
    rec = scores.dropna(subset=["recomputed"])
    diff = (rec["value"].astype(float) - rec["recomputed"]).abs()
    assert (diff <= 0.0001 + 1e-9).all()
    off = rec[diff > 1e-9]
    assert off[["edition", "province_code", "indicator"]].values.tolist() == [[2022, "79", "dti"]]
    assert off["recomputed"].iloc[0] == pytest.approx(0.7164)


def test_rankings_table_for_pillars_and_main_indices(bundle_dataset) -> None:
    from metrics.tables import rankings_table

    ds = bundle_dataset
    for measure in ("gov", "econ", "soc", "awareness", "soc_activity"):
        t = rankings_table(ds.ranked, 2023, "63", ds.units_of("63"), measure=measure)
        assert len(t) == 63
        col = f"{measure}_rank"
        assert t[col].is_monotonic_increasing
        assert t[col].iloc[0] == 1


def test_one_rank_rule_compares_published_4_decimals() -> None:
    """0.63834 and 0.63826 both publish as 0.6383: every rank in the house ties them."""
    from metrics.ranking import competition_rank, count_above, rank_among
    from metrics.target import score_for_rank

    s = pd.Series([0.63834, 0.63826, 0.7, None], index=["a", "b", "c", "d"])
    assert competition_rank(s).tolist() == [2, 2, 1, pd.NA]
    assert rank_among(0.63834, [0.63826, 0.7]) == 2
    assert count_above([0.63826, 0.7, float("nan")], [0.63834, 0.7]).tolist() == [1, 0]
    assert score_for_rank(s, "a", 3).current_rank == 2
    assert score_for_rank(s, "b", 3).current_rank == 2
