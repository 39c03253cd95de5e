"""Ranks and year-on-year change, on the published 4-decimal scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.scoring import KEY, ticks

if TYPE_CHECKING:
    from domain.framework import Framework

GROUP = ["edition", "unit_set", "indicator"]


def competition_rank(scores: pd.Series) -> pd.Series:
    """Competition ranks ("1224") of scores at the published 4 decimals: higher is better,
    ties share the best rank; 0.63834 and 0.63826 both publish as 0.6383 and tie.

    The one ranking rule of the house (``count_above``/``rank_among`` are the same rule for
    arrays and single scores). Missing scores get no rank (<NA>) and do not count.
    Example: [0.9, 0.8, 0.8, 0.7] -> [1, 2, 2, 4].
    """
    t = pd.Series(ticks(scores), index=scores.index)
    return t.rank(method="min", ascending=False).astype("Int64")


def count_above(
    pool: np.ndarray | pd.Series | list[float], x: np.ndarray | list[float]
) -> np.ndarray:
    """For each score of ``x``, how many scores of ``pool`` are strictly above it at 4
    decimals (NaN pool values ignored): its competition rank among ``pool`` minus one."""
    p = ticks(pool)
    p = np.sort(p[~np.isnan(p)])
    return len(p) - np.searchsorted(p, ticks(x), side="right")


def rank_among(score: float, others: np.ndarray | pd.Series | list[float]) -> int:
    """The competition rank ``score`` would have among ``others`` (4 decimals).

    Example: rank_among(0.63834, [0.63826, 0.7]) == 2 (tied with 0.63826 for second)."""
    return 1 + int(count_above(others, [score])[0])


def rank_scores(scores: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Add national and regional competition ranks to ``compute_scores`` output.

    ``units`` has unit_set, province_code, region_code. Ranks are per (edition, unit set,
    indicator) on the 4-decimal ``score``; ``n`` counts ranked units; ``percentile`` is the
    share of ranked units with a lower score (1.0 = best, 0.0 = worst; missing -> NaN).
    ``region_rank``/``region_n`` do the same within the unit's socio-economic region.
    ``tier`` (1..4), ``tier_vi`` and ``tier_en`` are the quartile of the rank (see ``tier_of``).
    Returns a new frame; the input is not modified. Example: scores [0.9, 0.8, 0.8, 0.7] ->
    rank [1, 2, 2, 4], percentile [1.0, 1/3, 1/3, 0.0].
    """
    out = scores.merge(
        units[["unit_set", "province_code", "region_code"]],
        how="left",
        on=["unit_set", "province_code"],
    )
    # Cython groupby ranks on one integer group id (not transform(lambda) on three string
    # keys): same "min" semantics, two orders of magnitude faster on large frames.
    gid = out.groupby(GROUP, sort=False).ngroup().to_numpy()
    score = pd.Series(ticks(out["score"]), index=out.index)  # ranked at 4 decimals
    grp = score.groupby(gid, sort=False)
    n = grp.transform("count").to_numpy()
    rank = grp.rank(method="min", ascending=False).to_numpy()
    rank_max = grp.rank(method="max", ascending=False).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 1, (n - rank_max) / (n - 1), np.nan)
    pct[np.isnan(score.to_numpy())] = np.nan
    out["rank"] = pd.array(rank, dtype="Float64").astype("Int64")
    out["n"] = pd.array(n, dtype="Int64")
    out["percentile"] = pct
    reg, _ = pd.factorize(out["region_code"], use_na_sentinel=False)
    rid = gid.astype(np.int64) * (int(reg.max(initial=0)) + 1) + reg
    rgrp = score.groupby(rid, sort=False)
    out["region_rank"] = pd.array(
        rgrp.rank(method="min", ascending=False).to_numpy(), dtype="Float64"
    ).astype("Int64")
    out["region_n"] = pd.array(rgrp.transform("count").to_numpy(), dtype="Int64")
    return add_tiers(out, copy=False)


TIER_LABELS: dict[int, dict[str, str]] = {
    1: {"vi": "Nhóm 1 (cao nhất)", "en": "Top quartile"},
    2: {"vi": "Nhóm 2", "en": "Second quartile"},
    3: {"vi": "Nhóm 3", "en": "Third quartile"},
    4: {"vi": "Nhóm 4 (thấp nhất)", "en": "Bottom quartile"},
}


def tier_of(rank: pd.Series, n: pd.Series) -> pd.Series:
    """Quartile tier of a competition rank among ``n`` ranked units: 1 = top quartile.

    tier = floor(4 * (rank - 1) / n) + 1, so with n = 63 ranks 1-16 are tier 1, 17-32 tier 2,
    33-48 tier 3, 49-63 tier 4. Tied units share the best rank, hence the same tier.
    Missing rank -> <NA>. Example: tier_of(pd.Series([1, 16, 17, 63]), 63) -> [1, 1, 2, 4].
    """
    r = pd.to_numeric(rank, errors="coerce").astype(float)
    nn = pd.to_numeric(n, errors="coerce").astype(float) if isinstance(n, pd.Series) else float(n)
    t = np.floor(4 * (r - 1) / nn) + 1
    return pd.Series(t, index=rank.index).astype("Int64")


def tier_label(tier: int, lang: str = "vi") -> str:
    """The vi/en label of a tier. Example: tier_label(1, "en") == "Top quartile"."""
    return TIER_LABELS[int(tier)]["en" if lang == "en" else "vi"]


def add_tiers(ranked: pd.DataFrame, copy: bool = True) -> pd.DataFrame:
    """``ranked`` plus ``tier`` (1..4) and its labels ``tier_vi``/``tier_en``; new frame.

    Uses the ``rank`` and ``n`` columns (see ``tier_of``); an unranked row has no tier.
    ``copy=False`` adds the columns in place (for callers that own the frame).
    """
    out = ranked.copy() if copy else ranked
    out["tier"] = tier_of(out["rank"], out["n"])
    t = out["tier"].to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(t)
    idx = np.where(ok, t, 1).astype(int) - 1
    for lang in ("vi", "en"):
        labels = np.array([TIER_LABELS[i][lang] for i in (1, 2, 3, 4)], dtype=object)
        out[f"tier_{lang}"] = np.where(ok, labels[idx], None)
    return out


def year_on_year(ranked: pd.DataFrame, frameworks: Mapping[int, Framework]) -> pd.DataFrame:
    """Change of score and rank against the previous edition of the same unit set.

    ``rank_change`` is positive when the unit climbed (rank 14 -> 13 gives +1). Where the
    two editions' frameworks differ (2020 -> 2021: pillars weighted 0.4/0.3/0.3 vs 8 main
    indices), ``comparable`` is False: the score change is still shown, but flagged as a
    break in series. Missing in either edition -> missing change.
    """
    base = ranked[[*KEY, "indicator", "score", "rank"]]
    editions = sorted(base["edition"].unique())
    prev_of = {e: p for p, e in zip(editions, editions[1:], strict=False)}
    prev = base.copy()
    prev["edition"] = prev["edition"].map({p: e for e, p in prev_of.items()})
    prev = prev.dropna(subset=["edition"]).astype({"edition": base["edition"].dtype})
    prev = prev.rename(columns={"score": "prev_score", "rank": "prev_rank"})
    out = base.merge(prev, on=[*KEY, "indicator"], how="left")
    out["score_change"] = (out["score"] - out["prev_score"]).round(4)
    out["rank_change"] = (out["prev_rank"] - out["rank"]).astype("Int64")
    comparable = {
        e: e in prev_of and frameworks[int(e)].comparable_with(frameworks[int(prev_of[e])])
        for e in editions
    }  # per edition, not per row
    out["comparable"] = out["edition"].map(comparable).astype(bool)
    return out
