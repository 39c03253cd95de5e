"""The 2025 merger: pro-forma 34-unit results from 63-province data, by the official rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from metrics.ranking import rank_scores
from metrics.scoring import KEY, compute_scores, round4

if TYPE_CHECKING:
    from domain.framework import Framework

PRO_FORMA = "pro-forma"


def pro_forma_values(
    values: pd.DataFrame,
    frameworks: Mapping[int, Framework],
    successor_of: Mapping[str, str],
    editions: list[int] | None = None,
) -> pd.DataFrame:
    """Inputs of the 34 post-merger units, built from the 63-province values of each edition.

    Official rule (DTI 2024, 34-unit group): a merged unit's main index is the plain
    (unweighted) mean of its predecessors' values, rounded half up to 4 decimals:

        v[unit34, i] = round4(mean(v[p, i] for p in predecessors(unit34)))

    then scored as usual (``pro_forma_results``). For 2020 the inputs are the pillars, and
    the same rule is applied to them. ``successor_of`` maps 63-set code -> 34-set code
    (``data.provinces.successor``; units that were not merged map to themselves). Missing:
    if any predecessor lacks an input, the merged value is missing too (no mean of the
    survivors, which would silently change the rule). Stored composites are not averaged.
    Returns the tidy values shape with unit_set "34" and source "pro-forma".
    Example: Hải Phòng = mean(Hải Phòng 63, Hải Dương) per main index.
    """
    v = values[values["unit_set"] == "63"]
    if editions is not None:
        v = v[v["edition"].isin(editions)]
    frames = []
    for edition, part in v.groupby("edition", sort=True):
        fw = frameworks[int(edition)]
        part = part[part["indicator"].isin(fw.inputs)]
        # every predecessor x input cell, so a missing one makes the mean missing
        wide = part.pivot(index="province_code", columns="indicator", values="value")
        wide = wide.reindex(index=sorted(successor_of), columns=list(fw.inputs)).astype(float)
        groups = wide.groupby(wide.index.map(dict(successor_of)))
        mean = groups.mean().where(groups.count() == groups.size().to_numpy()[:, None])
        long = mean.stack(future_stack=True).rename("value").reset_index()
        long.columns = ["province_code", "indicator", "value"]
        long["value"] = round4(long["value"])
        long.insert(0, "unit_set", "34")
        long.insert(0, "edition", int(edition))
        frames.append(long)
    cols = [*KEY, "indicator", "value", "source"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["source"] = PRO_FORMA
    return out[cols]


def pro_forma_results(
    values: pd.DataFrame,
    frameworks: Mapping[int, Framework],
    successor_of: Mapping[str, str],
    units: pd.DataFrame,
    editions: list[int] | None = None,
) -> pd.DataFrame:
    """Scores and ranks of the 34 units for every edition of 63-province data (pro-forma).

    ``pro_forma_values`` then ``compute_scores`` and ``rank_scores`` (ranks among the 34
    units, regions of the 34-unit registry in ``units``). Every figure is recomputed
    (basis "stored" here means "pro-forma input"). For 2024 this reproduces the published
    34-unit group from the 63-unit values. Example: pro_forma_results(...) rows with
    unit_set "34", province_code "31" follow Hải Dương into Hải Phòng for 2020-2024.
    """
    pf = pro_forma_values(values, frameworks, successor_of, editions)
    scored = compute_scores(pf[[*KEY, "indicator", "value"]], frameworks)
    return rank_scores(scored, units)
