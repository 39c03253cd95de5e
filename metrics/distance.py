"""Distances on the 4-decimal scores: to the neighbours, the leader, the centre, the region."""

from __future__ import annotations

import pandas as pd

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
    d = ranked.loc[
        ranked["score"].notna(), [*KEY, "indicator", "region_code", "score", "rank"]
    ].reset_index(drop=True)
    g = d.groupby(GROUP, sort=False)["score"]
    d["_dense"] = g.rank(method="dense", ascending=False).astype(int)
    levels = d.drop_duplicates([*GROUP, "_dense"])[[*GROUP, "_dense", "score"]]
    above = levels.assign(_dense=levels["_dense"] + 1).rename(columns={"score": "above_score"})
    below = levels.assign(_dense=levels["_dense"] - 1).rename(columns={"score": "below_score"})
    d = d.merge(above, on=[*GROUP, "_dense"], how="left").merge(
        below, on=[*GROUP, "_dense"], how="left"
    )
    d["leader_score"] = g.transform("max")
    d["mean"] = g.transform("mean")
    d["median"] = g.transform("median")
    d["region_best"] = d.groupby([*GROUP, "region_code"], sort=False, dropna=False)[
        "score"
    ].transform("max")
    s = d["score"]
    d["gap_above"] = (d["above_score"] - s).round(DECIMALS)
    d["gap_below"] = (s - d["below_score"]).round(DECIMALS)
    d["gap_leader"] = (d["leader_score"] - s).round(DECIMALS)
    d["diff_mean"] = (s - d["mean"]).round(DECIMALS)
    d["diff_median"] = (s - d["median"]).round(DECIMALS)
    d["gap_region_best"] = (d["region_best"] - s).round(DECIMALS)
    return d[DISTANCE_COLUMNS]


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
