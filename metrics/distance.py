"""Distances on the 4-decimal scores: to the neighbours, the leader, the centre, the region."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.keys import column_codes, dense_ids, group_ids, sort_order, tie_blocks
from metrics.scoring import DECIMALS, KEY

GROUP = ["edition", "unit_set", "indicator"]

DISTANCE_COLUMNS = [
    *KEY,
    "indicator",
    "score",
    "rank",
    "above_score",
    "gap_above",
    "below_score",
    "gap_below",
    "leader_score",
    "gap_leader",
    "mean",
    "diff_mean",
    "median",
    "diff_median",
    "region_best",
    "gap_region_best",
]


def distances(ranked: pd.DataFrame) -> pd.DataFrame:
    """Distances of every ranked unit to reference scores within its (edition, unit set, indicator).

    Formulas (s = the unit's 4-decimal score; all gaps >= 0 and rounded to 4 decimals):

    - ``above_score``: the smallest score strictly greater than s (the province(s) just
      above); ``gap_above = above_score - s``. To *overtake* them takes ``gap_above + 0.0001``.
    - ``below_score``: the largest score strictly smaller than s; ``gap_below = s - below_score``.
    - ``gap_leader = max - s``; ``diff_mean = s - mean``, ``diff_median = s - median`` (signed:
      positive = above the national centre; mean and median over the ranked units).
    - ``gap_region_best = max over the unit's region - s``.

    Missing scores are not ranked and get no row; the leader has no ``above_score`` (NaN),
    the last unit no ``below_score``. Ties share neighbours. Needs ``rank_scores`` output
    (``region_code`` column). Example: scores [0.9, 0.8, 0.8, 0.7] -> the 0.8s have
    gap_above 0.1, gap_below 0.1, gap_leader 0.1, diff_mean 0.0.
    """
    cols = [*KEY, "indicator", "region_code", "score", "rank"]
    scored = ranked["score"].notna()
    d = (ranked[cols] if scored.all() else ranked.loc[scored, cols]).reset_index(drop=True)
    # Integer-coded groups; neighbours, leader and median from one sort of (group, score
    # level) for all groups, the region's best from one unbuffered maximum.
    s = d["score"].to_numpy(dtype=float)
    gid, _ = dense_ids(*group_ids(d, GROUP))
    reg, regions = column_codes(d["region_code"])
    rgid = gid * max(len(regions), 1) + reg
    above, below, order = _neighbour_levels(s, gid)
    leader, median, best = _group_references(s, gid, order, rgid)
    mean = pd.Series(s).groupby(gid, sort=False).transform("mean").to_numpy()
    out = {c: d[c] for c in [*KEY, "indicator", "score", "rank"]}
    out |= {"above_score": above, "gap_above": above - s, "below_score": below}
    out |= {"gap_below": s - below, "leader_score": leader, "gap_leader": leader - s}
    out |= {"mean": mean, "diff_mean": s - mean, "median": median, "diff_median": s - median}
    out |= {"region_best": best, "gap_region_best": best - s}
    for c in (
        "gap_above",
        "gap_below",
        "gap_leader",
        "diff_mean",
        "diff_median",
        "gap_region_best",
    ):
        np.round(out[c], DECIMALS, out=out[c])  # in place: each is a new array
    return pd.DataFrame(out, index=d.index, columns=DISTANCE_COLUMNS, copy=False)


def _neighbour_levels(s: np.ndarray, gid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every score (no NaN), the next distinct score above and below it in its group
    (NaN at the ends), with one sort of (group, distinct score) levels for all groups; and
    that sort's order (groups one after another in ascending id, each by ascending score)."""
    inverse, distinct = pd.factorize(s, sort=True)  # hashing: few distinct scores
    width = max(len(distinct), 1)
    key = gid * width
    key += inverse
    order, key = sort_order(key)
    starts, length = tie_blocks(key)
    block_group = key[starts] // width
    level = distinct[key[starts] - block_group * width]
    same = block_group[1:] == block_group[:-1]
    up = np.full(len(starts), np.nan)
    down = np.full(len(starts), np.nan)
    up[:-1] = np.where(same, level[1:], np.nan)
    down[1:] = np.where(same, level[:-1], np.nan)
    above = np.empty(len(s))
    below = np.empty(len(s))
    above[order] = np.repeat(up, length)
    below[order] = np.repeat(down, length)
    return above, below, order


def _group_references(
    s: np.ndarray, gid: np.ndarray, order: np.ndarray, rgid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per score (no NaN): its group's maximum and median, and the maximum of its region
    group ``rgid``, as pandas' groupby max and median give them.

    From ``order`` (``_neighbour_levels``): the median is the middle score, or the two middle
    ones added and halved. Where 0.0 and -0.0 both occur, which of the two a maximum or a
    median returns depends on pandas' own selection, so pandas computes them."""
    zero = s == 0
    if zero.any() and np.signbit(s[zero]).any():
        g = pd.Series(s).groupby(gid, sort=False)
        region = pd.Series(s).groupby(rgid, sort=False)
        leader, median = g.transform("max").to_numpy(), g.transform("median").to_numpy()
        return leader, median, region.transform("max").to_numpy()
    n = np.bincount(gid) if len(gid) else np.zeros(0, dtype=np.int64)
    end = np.cumsum(n)
    ordered = s[order]
    upper = np.minimum(end - n + n // 2, max(len(s) - 1, 0))  # an empty group: any row
    lower = np.maximum(upper - 1, 0)
    median = np.where(n % 2 == 1, ordered[upper], (ordered[upper] + ordered[lower]) / 2)
    leader = ordered[np.maximum(end - 1, 0)]
    best = np.full(int(rgid.max()) + 1 if len(rgid) else 0, -np.inf)
    np.maximum.at(best, rgid, s)  # exact, as a groupby max
    return leader[gid], median[gid], best[rgid]


def neighbours(
    ranked: pd.DataFrame, edition: int, unit_set: str, code: str, indicator: str = "dti", k: int = 1
) -> dict[str, list[str]]:
    """Codes of the units on the ``k`` distinct score levels just above and just below ``code``.

    Ties on a level are all listed. A unit without a score -> both lists empty.
    Example: scores A 0.9, B 0.8, C 0.8, D 0.7 -> neighbours(.., "D") == {"above": ["B", "C"],
    "below": []}.
    """
    part = ranked[
        (ranked["edition"] == edition)
        & (ranked["unit_set"] == unit_set)
        & (ranked["indicator"] == indicator)
        & ranked["score"].notna()
    ]
    s = part.set_index("province_code")["score"]
    if code not in s.index:
        return {"above": [], "below": []}
    mine = s[code]
    up = sorted(s[s > mine].unique())[:k]
    down = sorted(s[s < mine].unique(), reverse=True)[:k]
    return {
        "above": sorted(s[s.isin(up)].index, key=lambda c: (-s[c], c)),
        "below": sorted(s[s.isin(down)].index, key=lambda c: (-s[c], c)),
    }
