"""One province in one edition: strengths, peers, and the whole profile the page shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from domain.profile import (
    IndexStanding,
    PeerNames,
    Profile,
    Standing,
    Target,
    Trend,
    YearOnYear,
)
from metrics.change import contributions, previous_edition, trend
from metrics.distance import distances, neighbours
from metrics.rank_change import overtakes, rank_change_decomposition
from metrics.ranking import tier_label
from metrics.scoring import DECIMALS
from metrics.target import cheapest_allocation, score_for_rank
from metrics.uncertainty import edition_rank_intervals, statistically_tied

if TYPE_CHECKING:
    from domain.framework import Framework

PILLARS = ("gov", "econ", "soc")


class DatasetLike(Protocol):
    """What ``build_profile`` reads (``app.dataset.Dataset`` satisfies it)."""

    values: pd.DataFrame
    scores: pd.DataFrame
    ranked: pd.DataFrame
    yoy: pd.DataFrame
    units: pd.DataFrame
    frameworks: dict[int, Framework]


def strengths_weaknesses(
    ranked: pd.DataFrame, framework: Framework, unit_set: str, code: str, n: int = 3
) -> pd.DataFrame:
    """Inputs ranked against the unit's overall DTI rank, best first.

    ``rank_gap = dti_rank - input_rank``: positive = the unit ranks better on that input
    than overall (a strength), negative = worse (a weakness). ``kind`` is "strength" for the
    ``n`` largest positive gaps, "weakness" for the ``n`` most negative, else "". Ties in
    the gap are broken by the input's points (heavier first). Inputs without a rank (missing
    value) are left out. Example: dti rank 20, awareness rank 3 -> rank_gap +17, strength.
    """
    part = ranked[
        (ranked["edition"] == framework.edition)
        & (ranked["unit_set"] == unit_set)
        & (ranked["province_code"] == code)
    ].set_index("indicator")
    cols = ["indicator", "score", "rank", "dti_rank", "rank_gap", "points", "kind"]
    if "dti" not in part.index or pd.isna(part.at["dti", "rank"]):
        return pd.DataFrame(columns=cols)
    dti_rank = int(part.at["dti", "rank"])
    rows = [
        {
            "indicator": i,
            "score": float(part.at[i, "score"]),
            "rank": int(part.at[i, "rank"]),
            "dti_rank": dti_rank,
            "rank_gap": dti_rank - int(part.at[i, "rank"]),
            "points": framework.points[i],
        }
        for i in framework.inputs
        if i in part.index and pd.notna(part.at[i, "rank"])
    ]
    out = pd.DataFrame(rows, columns=cols[:-1])
    out = out.sort_values(
        ["rank_gap", "points", "indicator"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    out["kind"] = ""
    pos = out.index[out["rank_gap"] > 0][:n]
    neg = out.index[out["rank_gap"] < 0][::-1][:n]
    out.loc[pos, "kind"] = "strength"
    out.loc[neg, "kind"] = "weakness"
    return out


@dataclass(frozen=True)
class Peers:
    """Comparison groups for a unit (codes, best score first)."""

    region: list[str]  # all units of its socio-economic region (itself included)
    above: list[str]  # the units on the k score levels just above
    below: list[str]  # the units on the k score levels just below
    similar: list[str]  # |score difference| <= band, itself excluded


def peers(
    ranked: pd.DataFrame,
    edition: int,
    unit_set: str,
    code: str,
    region_code: str | None = None,
    k: int = 2,
    band: float = 0.01,
    indicator: str = "dti",
) -> Peers:
    """Peer groups of ``code`` on ``indicator`` in one edition.

    ``region``: every scored unit of ``region_code`` (default the unit's own region, e.g.
    DBSH, the Red River Delta, for Hải Dương). ``above``/``below``: ``neighbours`` on ``k``
    distinct score levels. ``similar``: |s_j - s_me| <= ``band`` (on 4-decimal scores).
    Missing scores are left out everywhere. Example: band 0.01 around 0.7223 keeps
    0.7123..0.7323.
    """
    part = ranked[
        (ranked["edition"] == edition)
        & (ranked["unit_set"] == unit_set)
        & (ranked["indicator"] == indicator)
        & ranked["score"].notna()
    ]
    part = part.sort_values(["score", "province_code"], ascending=[False, True], kind="stable")
    me = part[part["province_code"] == code]
    if me.empty:
        return Peers([], [], [], [])
    region_code = region_code or str(me["region_code"].iloc[0])
    s = float(me["score"].iloc[0])
    nb = neighbours(ranked, edition, unit_set, code, indicator, k)
    close = part[((part["score"] - s).abs() <= band + 1e-9) & (part["province_code"] != code)]
    return Peers(
        part.loc[part["region_code"] == region_code, "province_code"].tolist(),
        nb["above"],
        nb["below"],
        close["province_code"].tolist(),
    )


def _num(x: Any) -> Any:
    """JSON-friendly scalar: NaN/NA -> None, numpy -> python."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return None
    if isinstance(x, np.integer | int) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, np.floating | float):
        return round(float(x), 6)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def _year_on_year(
    ds: DatasetLike, code: str, edition: int, unit_set: str, names: Mapping[str, str]
) -> YearOnYear:
    """Change against the previous edition: score change split by input (comparable
    editions only), rank change split into own and others' effects, overtakes."""
    eds = sorted(ds.ranked.loc[ds.ranked["unit_set"] == unit_set, "edition"].unique())
    prev = previous_edition(eds, edition)
    yoy_row = ds.yoy[
        (ds.yoy["edition"] == edition)
        & (ds.yoy["unit_set"] == unit_set)
        & (ds.yoy["province_code"] == code)
        & (ds.yoy["indicator"] == "dti")
    ]
    if prev is None or yoy_row.empty:
        return YearOnYear(prev_edition=prev)
    y = yoy_row.iloc[0]
    comparable = bool(y["comparable"])
    change: dict[str, Any] = {}
    if comparable:
        c = contributions(ds.scores, ds.frameworks, edition, unit_set, prev)
        c = c[c["province_code"] == code]
        change = {
            "dti_change": _num(y["score_change"]),
            "contributions": {
                row.indicator: _num(row.contribution)
                for row in c.itertuples()
                if row.indicator != "rounding"
            },
            "rounding": _num(c.loc[c["indicator"] == "rounding", "contribution"].sum()),
        }
    dec = rank_change_decomposition(ds.ranked, ds.frameworks, edition, unit_set, prev)
    dm = dec[dec["province_code"] == code].iloc[0]
    ov = overtakes(ds.ranked, edition, prev, unit_set, code)
    return YearOnYear(
        prev_edition=prev,
        rank_change=_num(y["rank_change"]),
        comparable=comparable,
        overtook_us=[names.get(c, c) for c in ov.overtook_us],
        we_overtook=[names.get(c, c) for c in ov.we_overtook],
        own_effect=_num(dm["own_effect"]),
        others_effect=_num(dm["others_effect"]),
        counterfactual_rank=_num(dm["counterfactual_rank"]),
        **change,
    )


def _trend(ds: DatasetLike, code: str, edition: int, unit_set: str) -> Trend | None:
    upto = ds.ranked[ds.ranked["edition"] <= edition]
    tr = trend(
        upto[(upto["unit_set"] == unit_set) & (upto["province_code"] == code)], ds.frameworks
    )
    if not len(tr):
        return None
    t = tr.iloc[0]
    return Trend(
        first_edition=_num(t["first_edition"]),
        change=_num(t["change"]),
        cagr=_num(t["cagr"]),
        break_in_series=bool(t["break_in_series"]),
        best_rank=_num(t["best_rank"]),
        best_rank_edition=_num(t["best_rank_edition"]),
        worst_rank=_num(t["worst_rank"]),
        worst_rank_edition=_num(t["worst_rank_edition"]),
    )


def _target(
    r: pd.DataFrame,
    mine: pd.DataFrame,
    fw: Framework,
    code: str,
    target_rank: int,
    names: Mapping[str, str],
) -> Target:
    """The score for ``target_rank`` and the cheapest allocation of the inputs to reach it."""
    tgt = score_for_rank(
        r[r["indicator"] == "dti"].set_index("province_code")["score"], code, target_rank
    )
    plan = cheapest_allocation(
        {i: mine.at[i, "score"] for i in fw.inputs if i in mine.index}, fw.points, tgt.gap
    )
    return Target(
        rank=tgt.rank,
        score=tgt.target_score,
        gap=round(tgt.gap, DECIMALS),
        reached=tgt.reached,
        kth_province=names.get(tgt.kth_code, tgt.kth_code) if tgt.kth_code else None,
        feasible=bool(plan["feasible"].iloc[0]) if len(plan) else None,
        plan={row.indicator: _num(row.increase) for row in plan.itertuples() if row.increase > 0},
    )


def _standings(
    mine: pd.DataFrame, fw: Framework, lang: str
) -> tuple[dict[str, Standing], dict[str, IndexStanding]]:
    pillars = {
        p: Standing(_num(mine.at[p, "score"]), _num(mine.at[p, "rank"]))
        for p in PILLARS
        if p in mine.index
    }
    mains = {
        i: IndexStanding(fw.get(i).label(lang), _num(mine.at[i, "score"]), _num(mine.at[i, "rank"]))
        for i in fw.inputs
        if i in mine.index and i not in PILLARS
    }
    return pillars, mains


def build_profile(
    ds: DatasetLike,
    code: str,
    edition: int,
    unit_set: str = "63",
    target_rank: int = 10,
    draws: int = 2000,
    seed: int = 0,
    lang: str = "vi",
    names: Mapping[str, str] | None = None,
    intervals: pd.DataFrame | None = None,
) -> Profile:
    """Everything the profile page, the deck and ``python -m metrics profile`` show for one
    unit, as a typed ``domain.profile.Profile``.

    Composes the measures of this package (all pure): scores and ranks (``rank_scores``),
    tier, distances, year-on-year change with input contributions, rank-change
    decomposition and overtakes, trend, the score for ``target_rank`` with its cheapest
    allocation, strengths/weaknesses, the Monte Carlo 90 % rank interval and the peers.
    ``intervals``: the edition's ``edition_rank_intervals`` when the caller has them already
    (they depend only on the edition and unit set; the Monte Carlo is the costly part).
    Missing values appear as None. Raises KeyError when the unit has no DTI in the edition.
    Example: build_profile(ds, "30", 2023).dti_rank -> Hải Dương's 2023 rank.
    """
    fw = ds.frameworks[int(edition)]
    r = ds.ranked[(ds.ranked["edition"] == edition) & (ds.ranked["unit_set"] == unit_set)]
    mine = r[r["province_code"] == code].set_index("indicator")
    if "dti" not in mine.index or pd.isna(mine.at["dti", "score"]):
        raise KeyError(f"no DTI for {code} in {edition} ({unit_set})")
    units = ds.units[ds.units["unit_set"] == unit_set].set_index("province_code")
    names = dict(names) if names is not None else units["name"].to_dict()
    dti = mine.loc["dti"]
    dist = distances(r[r["indicator"] == "dti"])
    d = dist[dist["province_code"] == code].iloc[0]
    sw = strengths_weaknesses(ds.ranked, fw, unit_set, code)
    if intervals is None:
        intervals = edition_rank_intervals(ds.scores, fw, unit_set, draws=draws, seed=seed)
    ivm = intervals[intervals["province_code"] == code]
    pe = peers(ds.ranked, edition, unit_set, code)
    region_code = str(dti["region_code"])
    pillars, mains = _standings(mine, fw, lang)
    return Profile(
        province=names.get(code, code),
        province_code=code,
        unit_set=unit_set,
        year=int(edition),
        framework_assumed=fw.assumed,
        dti=_num(dti["score"]),
        dti_basis=dti["basis"],
        dti_rank=_num(dti["rank"]),
        n=_num(dti["n"]),
        percentile=_num(dti["percentile"]),
        tier=_num(dti["tier"]),
        tier_label=tier_label(int(dti["tier"]), lang) if pd.notna(dti["tier"]) else None,
        pillars=pillars,
        main_indices=mains,
        region=str(units.at[code, "region"]) if "region" in units.columns else region_code,
        region_code=region_code,
        region_rank=_num(dti["region_rank"]),
        region_n=_num(dti["region_n"]),
        yoy=_year_on_year(ds, code, edition, unit_set, names),
        gap_to_next_rank=_num(d["gap_above"]),
        gap_to_previous_rank=_num(d["gap_below"]),
        gap_to_leader=_num(d["gap_leader"]),
        diff_to_mean=_num(d["diff_mean"]),
        diff_to_median=_num(d["diff_median"]),
        gap_to_region_best=_num(d["gap_region_best"]),
        strengths=sw.loc[sw["kind"] == "strength", "indicator"].tolist(),
        weaknesses=sw.loc[sw["kind"] == "weakness", "indicator"].tolist(),
        rank_interval_90=(
            [_num(ivm["rank_lo"].iloc[0]), _num(ivm["rank_hi"].iloc[0])] if len(ivm) else None
        ),
        statistically_tied=[names.get(c, c) for c in statistically_tied(intervals, code)],
        trend=_trend(ds, code, edition, unit_set),
        target=_target(r, mine, fw, code, target_rank, names),
        peers=PeerNames(
            *([names.get(c, c) for c in g] for g in (pe.region, pe.above, pe.below, pe.similar))
        ),
    )
