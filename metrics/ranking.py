"""Ranks and year-on-year change, on the published 4-decimal scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.keys import (
    column_codes,
    dense_ids,
    group_ids,
    lookup,
    remember_taken,
    sort_order,
    take_small,
    tie_blocks,
)
from metrics.scoring import KEY, ticks

if TYPE_CHECKING:
    from domain.framework import Framework

GROUP = ["edition", "unit_set", "indicator"]


def competition_rank(scores: pd.Series, by: pd.Series | np.ndarray | None = None) -> pd.Series:
    """Competition ranks ("1224") of scores at the published 4 decimals: higher is better,
    ties share the best rank; 0.63834 and 0.63826 both publish as 0.6383 and tie.

    The one ranking rule of the house (``count_above``/``rank_among`` are the same rule for
    arrays and single scores; ``rank_scores`` ranks whole tables with it). With ``by`` (one
    group label per score), ranks are within each group, all groups at once. Missing
    scores get no rank (<NA>) and do not count.
    Example: [0.9, 0.8, 0.8, 0.7] -> [1, 2, 2, 4].
    """
    if by is None:
        ids, size = np.zeros(len(scores), dtype=np.int64), 1
    else:
        codes, uniques = pd.factorize(np.asarray(by), use_na_sentinel=False)
        ids, size = codes.astype(np.int64, copy=False), max(len(uniques), 1)
    rank, _, _ = _competition(ticks(scores), ids, size)
    return pd.Series(_ints(rank), index=scores.index)


def _competition(
    t: np.ndarray, ids: np.ndarray, size: int, with_below: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``competition_rank``'s arithmetic on whole-number scores ``t`` (``ticks``) in groups
    ``ids`` (int64 below ``size``), with one sort for all groups.

    Returns per row: the rank (NaN where ``t`` is NaN), ``n`` (the scored rows of its
    group) and, when ``with_below``, ``below`` (scored rows of its group strictly below it;
    NaN where ``t`` is NaN; else None). rank = 1 + rows strictly above, so ties share the
    best rank. When every score is there, rank and below are int64 (nothing to mark).
    """
    ids, size = dense_ids(ids, size)
    valid = ~np.isnan(t)
    every = bool(valid.all())
    tv, gv = (t, ids) if every else (t[valid], ids[valid])
    n_group = np.bincount(gv, minlength=size)
    rank = np.empty(len(t), dtype=np.int64) if every else np.full(len(t), np.nan)
    below = None
    if with_below:
        below = np.empty(len(t), dtype=np.int64) if every else np.full(len(t), np.nan)
    if len(tv):
        lo, hi = float(tv.min()), float(tv.max())
        if np.isfinite(lo) and np.isfinite(hi) and (hi - lo + 1) * size < 2**62:
            level, width = (hi - tv).astype(np.int64), int(hi - lo) + 1  # 0 = best
        else:
            distinct, inverse = np.unique(tv, return_inverse=True)
            level, width = len(distinct) - 1 - inverse, len(distinct)
        key = gv * width
        key += level
        order, key = sort_order(key)  # by group, then best first
        rows = order if every else np.flatnonzero(valid)[order]
        _sorted_ranks(key, n_group, rows, rank, below)
    return rank, n_group[ids], below


def _sorted_ranks(
    key: np.ndarray,
    n_group: np.ndarray,
    rows: np.ndarray,
    rank: np.ndarray,
    below: np.ndarray | None,
) -> None:
    """Fill ``rank`` (and ``below``) at ``rows`` from the sorted keys of ``_competition``:
    groups lie one after another in ascending id, each best first."""
    starts, length = tie_blocks(key)  # per tie: its first sorted position, its size
    group_end = np.cumsum(n_group)
    start = np.repeat(group_end - n_group, n_group)[starts]  # the tie's group's first
    rank[rows] = np.repeat(starts - start + 1, length)
    if below is not None:
        end = np.repeat(group_end, n_group)[starts]
        below[rows] = np.repeat(end - (starts + length), length)


def _ints(x: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers held as floats (NaN = missing), or as integers (none missing), as a
    nullable Int64 array."""
    if x.dtype.kind in "iu":
        return _counts(x)
    missing = np.isnan(x)
    data = np.where(missing, 0, x) if missing.any() else x
    return pd.arrays.IntegerArray(data.astype(np.int64), missing)


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
    out = scores.reset_index(drop=True)
    out["region_code"] = _region_codes(out, units)
    # Integer-coded groups and one sort for all of them (see ``_competition``).
    score = ticks(out["score"])  # ranked at 4 decimals
    gid, size = group_ids(out, GROUP)
    rank, n, below = _competition(score, gid, size)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 1, below / (n - 1), np.nan)
    out["rank"] = _ints(rank)
    out["n"] = _counts(n)
    out["percentile"] = pct
    reg, regions = column_codes(out["region_code"])
    width = max(len(regions), 1)
    region_rank, region_n, _ = _competition(
        score, gid * width + reg, size * width, with_below=False
    )
    out["region_rank"] = _ints(region_rank)
    out["region_n"] = _counts(region_n)
    return _add_tiers(out, rank, n)


def _counts(n: np.ndarray) -> pd.arrays.IntegerArray:
    """Counts (int64, none missing) as a nullable Int64 array."""
    return pd.arrays.IntegerArray(n.astype(np.int64, copy=False), np.zeros(len(n), dtype=bool))


def _region_codes(scores: pd.DataFrame, units: pd.DataFrame) -> pd.api.extensions.ExtensionArray:
    """The region code of every row's (unit set, province) in ``units`` (missing when absent)."""
    found = lookup(scores, units, ["unit_set", "province_code"])
    region = take_small(units["region_code"].array, found, allow_fill=True)
    if len(found) and found.min() >= 0:  # ``distances`` reuses these codes
        remember_taken(region, units["region_code"], found)
    return region


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
    return pd.Series(_tiers(np.asarray(r), np.asarray(nn)), index=rank.index).astype("Int64")


def _tiers(rank: np.ndarray, n: np.ndarray | float) -> np.ndarray:
    """``tier_of``'s formula on float arrays (NaN = no rank)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.subtract(rank, 1, dtype=float)  # then in place: 4 * (rank - 1) / n, floor, + 1
        x *= 4
        x /= n
        np.floor(x, out=x)
        x += 1
        return x


def tier_label(tier: int, lang: str = "vi") -> str:
    """The vi/en label of a tier. Example: tier_label(1, "en") == "Top quartile"."""
    return TIER_LABELS[int(tier)]["en" if lang == "en" else "vi"]


def add_tiers(ranked: pd.DataFrame, copy: bool = True) -> pd.DataFrame:
    """``ranked`` plus ``tier`` (1..4) and its labels ``tier_vi``/``tier_en``; new frame.

    Uses the ``rank`` and ``n`` columns (see ``tier_of``); an unranked row has no tier.
    ``copy=False`` adds the columns in place (for callers that own the frame).
    """
    out = ranked.copy() if copy else ranked
    rank = out["rank"].to_numpy(dtype=float, na_value=np.nan)
    return _add_tiers(out, rank, out["n"].to_numpy(dtype=float, na_value=np.nan))


def _add_tiers(out: pd.DataFrame, rank: np.ndarray, n: np.ndarray) -> pd.DataFrame:
    """``add_tiers`` in place on ``out``, from its ranks and counts as float (NaN = none)
    or integer arrays."""
    t = _tiers(rank, n)
    ok = ~np.isnan(t)
    out["tier"] = _ints(t)
    every = bool(ok.all())
    idx = (t - 1).astype(np.intp) if every else np.where(ok, t - 1, -1).astype(np.intp)
    for lang in ("vi", "en"):
        labels = pd.array([TIER_LABELS[i][lang] for i in (1, 2, 3, 4)], dtype="str")
        out[f"tier_{lang}"] = (
            take_small(labels, idx, allow_fill=True)  # -1: no tier
            if ok.any()
            else np.full(len(out), None, dtype=object)  # as pandas infers an all-None column
        )
    return out


def year_on_year(ranked: pd.DataFrame, frameworks: Mapping[int, Framework]) -> pd.DataFrame:
    """Change of score and rank against the previous edition of the same unit set.

    ``rank_change`` is positive when the unit climbed (rank 14 -> 13 gives +1). Where the
    two editions' frameworks differ (2020 -> 2021: pillars weighted 0.4/0.3/0.3 vs 8 main
    indices), ``comparable`` is False: the score change is still shown, but flagged as a
    break in series. Missing in either edition -> missing change.
    """
    base = ranked[[*KEY, "indicator", "score", "rank"]].reset_index(drop=True)
    at, editions = column_codes(base["edition"])  # position among the sorted editions
    prev_of = {e: p for p, e in zip(editions, editions[1:], strict=False)}
    # Integer-coded (unit set, province, indicator) x edition position: a row's
    # previous-edition row is the one with the key one lower.
    series, n_series = dense_ids(*group_ids(base, ["unit_set", "province_code", "indicator"]))
    width = max(len(editions), 1)
    prev = _one_lower(series * width + at, n_series * width)
    prev[at == 0] = -1  # the first edition has none (key - 1 is another series' last)
    out = base  # a new frame already (copy on write keeps ``ranked`` as it is)
    score = base["score"].to_numpy(dtype=float, na_value=np.nan)
    out["prev_score"] = np.append(score, np.nan)[prev]  # -1: no previous row -> missing
    out["prev_rank"] = base["rank"].array.take(prev, allow_fill=True)
    out["score_change"] = (out["score"] - out["prev_score"]).round(4)
    out["rank_change"] = (out["prev_rank"] - out["rank"]).astype("Int64")
    comparable = np.array(
        [
            e in prev_of and frameworks[int(e)].comparable_with(frameworks[int(prev_of[e])])
            for e in editions
        ],
        dtype=bool,
    )  # per edition, not per row
    out["comparable"] = comparable[at]
    return out


def _one_lower(key: np.ndarray, size: int) -> np.ndarray:
    """For every row, the row whose ``key`` (below ``size``) is one lower (-1: none).
    Keys must not repeat (ValueError); a table of rows by key when ``size`` is small, else
    one sort."""
    rows = np.arange(len(key))
    if size <= 4 * len(key) + 1024:
        row_of = np.full(size + 1, -1, dtype=np.int64)  # row_of[0]: below the lowest key
        above = key + 1
        row_of[above] = rows
        if (row_of[above] != rows).any():
            raise ValueError("year_on_year: a (edition, unit set, province, indicator) repeats")
        return row_of[key]
    order, sorted_key = sort_order(key)
    if (sorted_key[1:] == sorted_key[:-1]).any():
        raise ValueError("year_on_year: a (edition, unit set, province, indicator) repeats")
    prev = np.full(len(key), -1, dtype=np.int64)
    prev[order[1:]] = np.where(sorted_key[1:] == sorted_key[:-1] + 1, order[:-1], -1)
    return prev
