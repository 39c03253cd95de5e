"""The 2025 merger: pro-forma 34-unit results from 63-province data, by the official rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from metrics.provenance import PRO_FORMA, kind_of
from metrics.ranking import rank_scores
from metrics.scoring import KEY, compute_scores, round4

if TYPE_CHECKING:
    from domain.framework import Framework

# The rule as shown to people (source text of every pro-forma value).
RULE = (
    "pro-forma: the mean of the predecessor provinces' main indices (2020: pillar scores), "
    "4 decimals, then scored by the edition's formula"
)


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


def pro_forma_series(
    values: pd.DataFrame,
    frameworks: Mapping[int, Framework],
    successor_of: Mapping[str, str],
) -> pd.DataFrame:
    """A 34-unit series for every edition that has 63-province values and no stored
    34-unit set (2020-2023 for the bundle), by the official merger rule.

    Merged units: ``pro_forma_values`` (mean of the predecessors' inputs; for 2020 the
    inputs are the three pillars, so the rule is applied to the pillar scores and the DTI
    is 0.4 gov + 0.3 econ + 0.3 soc of those means), source ``RULE`` (kind pro-forma).
    Units that were not merged: the predecessor's stored rows (inputs and any stored
    composite) under the unit's 34-set code; a published or uploaded value keeps its
    source (the same figure of the same unit), any other becomes pro-forma.
    Returns the tidy values shape (edition, unit_set, province_code, indicator, value,
    source). Example: 2021, 31 Hải Phòng = mean(Hải Phòng, Hải Dương) per main index.
    """
    cols = [*KEY, "indicator", "value", "source"]
    have34 = set(values.loc[values["unit_set"] == "34", "edition"].astype(int))
    v63 = values[(values["unit_set"] == "63") & ~values["edition"].astype(int).isin(have34)]
    if v63.empty:
        return pd.DataFrame(columns=cols)
    size = pd.Series(list(successor_of.values())).value_counts()
    single = {p: s for p, s in successor_of.items() if size[s] == 1}
    merged = {p: s for p, s in successor_of.items() if size[s] > 1}
    pf = pro_forma_values(v63, frameworks, merged)
    pf["source"] = RULE
    extra = [c for c in ("version",) if c in v63]  # an uploaded value keeps its version
    copy = v63[v63["province_code"].isin(single)][cols + extra].copy()
    copy["province_code"] = copy["province_code"].map(single)
    copy["unit_set"] = "34"
    keep = copy["source"].map(kind_of).isin(["published", "uploaded"])
    copy["source"] = copy["source"].where(keep, RULE)
    return pd.concat([pf, copy], ignore_index=True)[cols + extra]
