"""Ranks and year-on-year change, on the published 4-decimal scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.scoring import KEY

if TYPE_CHECKING:
    from data.frameworks import Framework

GROUP = ["edition", "unit_set", "indicator"]


def competition_rank(scores: pd.Series) -> pd.Series:
    """Competition ranks ("1224"): higher is better, ties share the best rank.

    Missing scores get no rank (<NA>) and do not count. Example: [0.9, 0.8, 0.8, 0.7] ->
    [1, 2, 2, 4]. The scores must already be rounded to the published precision.
    """
    return scores.rank(method="min", ascending=False).astype("Int64")


def rank_scores(scores: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Add national and regional competition ranks to ``compute_scores`` output.

    ``units`` has unit_set, province_code, region_code. Ranks are per (edition, unit set,
    indicator) on the 4-decimal ``score``; ``n`` counts ranked units; ``percentile`` is the
    share of ranked units with a lower score (1.0 = best, 0.0 = worst; missing -> NaN).
    ``region_rank``/``region_n`` do the same within the unit's socio-economic region.
    Returns a new frame; the input is not modified.
    """
    out = scores.merge(units[["unit_set", "province_code", "region_code"]], how="left",
                       on=["unit_set", "province_code"])
    grp = out.groupby(GROUP, sort=False)["score"]
    out["rank"] = grp.transform(competition_rank).astype("Int64")
    out["n"] = grp.transform("count").astype("Int64")
    below = out["n"] - grp.transform(lambda s: s.rank(method="max", ascending=False))
    out["percentile"] = (below / (out["n"] - 1).where(out["n"] > 1)).astype(float)
    out.loc[out["score"].isna(), "percentile"] = np.nan
    rgrp = out.groupby([*GROUP, "region_code"], sort=False)["score"]
    out["region_rank"] = rgrp.transform(competition_rank).astype("Int64")
    out["region_n"] = rgrp.transform("count").astype("Int64")
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
    out["comparable"] = [
        e in prev_of and frameworks[int(e)].comparable_with(frameworks[int(prev_of[e])])
        for e in out["edition"]
    ]
    return out
