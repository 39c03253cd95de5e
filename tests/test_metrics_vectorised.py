"""The vectorised scoring and ranking (integer-coded keys, one sort for all groups) against a
straightforward row-by-row reference, on random cases with ties at the 4th decimal."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from test_metrics_helpers import pillar_framework, tiny_framework

from metrics.distance import distances
from metrics.ranking import competition_rank, rank_scores, year_on_year
from metrics.scoring import KEY, compute_scores, ticks

FWS = {
    2020: pillar_framework(2020),
    2021: tiny_framework(2021),
    2022: tiny_framework(2022),
    2023: tiny_framework(
        2023,
        {"awareness": 50.0, "gov_activity": 250.0, "econ_activity": 150.0, "soc_activity": 150.0},
    ),
}
UNITS = {"63": [f"{i:02d}" for i in range(1, 15)], "34": ["01", "02", "05", "07", "09"]}


def random_case(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy values (shuffled) and a units table. Inputs on a coarse grid so composites tie;
    stored totals jittered below the 4th decimal (0.63834 and 0.63826 both publish 0.6383);
    some inputs missing, one stored indicator no framework knows, one unit without region."""
    rng = np.random.default_rng(seed)
    rows = []
    for edition, fw in FWS.items():
        for unit_set, codes in UNITS.items():
            for code in codes:
                for ind in fw.inputs:
                    value = rng.integers(0, 8) / 8 if rng.random() > 0.04 else np.nan
                    rows.append((edition, unit_set, code, ind, value))
                if rng.random() < 0.3:  # an official total, tied at 4 decimals
                    total = rng.integers(6380, 6384) / 10_000 + rng.choice([-4e-5, 0, 3e-5])
                    rows.append((edition, unit_set, code, "dti", total))
                if rng.random() < 0.1:
                    rows.append((edition, unit_set, code, "extra", round(rng.random(), 4)))
    values = pd.DataFrame(rows, columns=[*KEY, "indicator", "value"])
    values = values.sample(frac=1, random_state=seed).reset_index(drop=True)
    regions = ["N", "S", "C"]
    units = pd.DataFrame(
        [
            {"unit_set": s, "province_code": c, "region_code": regions[int(c) % 3]}
            for s, codes in UNITS.items()
            for c in codes
            if c != "14"  # no region: ranked in a group of its own
        ]
    )
    return values, units


def reference_scores(values: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (edition, unit_set, code), part in values.groupby(KEY):
        fw = FWS[int(edition)]
        stored = dict(zip(part["indicator"], part["value"], strict=True))
        raw = {i: stored.get(i, np.nan) for i in fw.inputs}
        for comp in fw.composites:
            w = fw.weights(comp)
            vals = [raw[c] for c in w]
            raw[comp] = (
                np.nan
                if any(math.isnan(v) for v in vals)
                else sum(p * v for p, v in zip(w.values(), vals, strict=True)) / sum(w.values())
            )
        for ind in sorted(set(raw) | set(stored)):
            r, v = raw.get(ind, np.nan), stored.get(ind, np.nan)
            rec = np.nan if math.isnan(r) else math.floor(r * 10_000 + 0.5 + 1e-7) / 10_000
            basis = "stored" if not math.isnan(v) else (None if math.isnan(r) else "recomputed")
            score = v if not math.isnan(v) else rec
            rows.append((edition, unit_set, code, ind, r, rec, score, basis))
    return pd.DataFrame(rows, columns=[*KEY, "indicator", "raw", "recomputed", "score", "basis"])


def reference_ranks(scores: pd.DataFrame, units: pd.DataFrame) -> list[dict]:
    region = {(u.unit_set, u.province_code): u.region_code for u in units.itertuples()}
    recs = [
        {
            **r._asdict(),
            "t": ticks(r.score).item(),
            "region": region.get((r.unit_set, r.province_code)),
        }
        for r in scores.itertuples(index=False)
    ]
    groups: dict[tuple, list[dict]] = {}
    for o in recs:
        if not math.isnan(o["t"]):
            groups.setdefault((o["edition"], o["unit_set"], o["indicator"]), []).append(o)
    out = []
    for me in recs:
        peers = groups.get((me["edition"], me["unit_set"], me["indicator"]), [])
        mates = [o for o in peers if o["region"] == me["region"]]
        n, t = len(peers), me["t"]
        ranked = not math.isnan(t)
        rank = 1 + sum(o["t"] > t for o in peers) if ranked else None
        out.append(
            {
                "rank": rank,
                "n": n,
                "percentile": sum(o["t"] < t for o in peers) / (n - 1)
                if ranked and n > 1
                else np.nan,
                "region_rank": 1 + sum(o["t"] > t for o in mates) if ranked else None,
                "region_n": len(mates),
                "tier": math.floor(4 * (rank - 1) / n) + 1 if ranked else None,
            }
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scores_ranks_and_changes_equal_the_reference(seed: int) -> None:
    values, units = random_case(seed)
    scores = compute_scores(values, FWS)
    ref = reference_scores(values)
    assert (
        scores[[*KEY, "indicator", "basis"]]
        .astype(object)
        .where(scores.notna(), None)
        .values.tolist()
        == ref[[*KEY, "indicator", "basis"]].astype(object).where(ref.notna(), None).values.tolist()
    )
    np.testing.assert_allclose(scores["raw"], ref["raw"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(scores["recomputed"], ref["recomputed"])
    np.testing.assert_array_equal(scores["score"], ref["score"])
    assert (scores["basis"] == "stored").sum() == values["value"].notna().sum()

    shuffled = scores.sample(frac=1, random_state=seed)  # ranks must not depend on order
    ranked = rank_scores(shuffled, units)
    expected = reference_ranks(shuffled, units)
    for col in ("rank", "n", "region_rank", "region_n", "tier"):
        got = [None if pd.isna(x) else int(x) for x in ranked[col]]
        assert got == [e[col] for e in expected], col
    np.testing.assert_allclose(
        ranked["percentile"], [e["percentile"] for e in expected], atol=1e-15
    )
    assert ranked["province_code"].tolist() == shuffled["province_code"].tolist()  # input order
    # ties at the 4th decimal happened, and share the best rank
    dti = ranked[(ranked["indicator"] == "dti") & ranked["score"].notna()]
    tied = dti[dti.duplicated(["edition", "unit_set", "rank"], keep=False)]
    assert (
        tied["score"].round(10).groupby([tied["edition"], tied["unit_set"], tied["rank"]]).nunique()
        > 1
    ).any()

    yoy = year_on_year(ranked, FWS)
    at = {(r.edition, r.unit_set, r.province_code, r.indicator): r for r in ranked.itertuples()}
    for r in yoy.itertuples():
        prev = at.get((r.edition - 1, r.unit_set, r.province_code, r.indicator))
        if prev is None:
            assert pd.isna(r.prev_score) and pd.isna(r.prev_rank)
            continue
        assert (r.prev_score == prev.score) or (pd.isna(r.prev_score) and pd.isna(prev.score))
        assert (r.prev_rank == prev.rank) if not pd.isna(prev.rank) else pd.isna(r.prev_rank)
        assert bool(r.comparable) == (r.edition in (2022,))  # 2021 breaks 2020, 2023 re-weights

    dist = distances(ranked)
    by_group = {
        k: g.dropna().tolist()
        for k, g in ranked.groupby(["edition", "unit_set", "indicator"])["score"]
    }
    for r in dist.itertuples():
        group = by_group[(r.edition, r.unit_set, r.indicator)]
        higher = [x for x in group if x > r.score]
        lower = [x for x in group if x < r.score]
        assert r.above_score == min(higher) if higher else pd.isna(r.above_score)
        assert r.below_score == max(lower) if lower else pd.isna(r.below_score)
        assert r.leader_score == max(group)
        assert r.median == pytest.approx(float(np.median(group)), abs=1e-12)
        assert r.mean == pytest.approx(sum(group) / len(group), abs=1e-12)


def test_competition_rank_within_groups() -> None:
    s = pd.Series([0.63834, 0.63826, 0.7, 0.5, np.nan, 0.5], index=list("abcdef"))
    by = ["x", "x", "x", "y", "y", "y"]
    assert competition_rank(s, by).tolist() == [2, 2, 1, 1, pd.NA, 1]
    assert competition_rank(s).tolist() == [2, 2, 1, 4, pd.NA, 4]
    assert list(competition_rank(s, by).index) == list("abcdef")
