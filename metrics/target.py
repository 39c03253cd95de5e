"""What it would take to climb: the score for a rank, the cheapest way to get it, what-ifs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from metrics.ranking import rank_among, rank_scores
from metrics.scoring import DECIMALS, KEY, compute_scores

if TYPE_CHECKING:
    from domain.framework import Framework

STEP = 10.0**-DECIMALS  # one unit of the published precision


@dataclass(frozen=True)
class RankTarget:
    """The 4-decimal score that secures rank ``rank`` (or better) for ``province_code``."""

    province_code: str
    rank: int
    current_score: float
    current_rank: int
    target_score: float  # strictly above the k-th best score among the others
    gap: float  # target_score - current_score, 0.0 when already at rank <= k
    reached: bool  # already ranked k or better
    kth_code: str | None  # the unit now holding the k-th place among the others


def score_for_rank(scores: pd.Series, code: str, k: int) -> RankTarget:
    """The DTI needed by ``code`` to be ranked ``k`` or better, everyone else unchanged.

    ``scores`` maps province_code -> 4-decimal score of one edition. Let s_k be the k-th
    highest score among the *other* units. Then ``target_score = s_k + 0.0001``: strictly
    above s_k at the published precision, so at most k-1 others stay above us (competition
    rank <= k) and the k-th unit is displaced, not merely tied. (Equalling s_k would
    already give a shared rank k.) If fewer than k others are ranked, the target is the
    current score. ``gap = max(0, target - current)``; ``reached`` when the current rank <= k.
    Missing scores are ignored; a missing ``code`` raises KeyError.
    Example: others [0.80, 0.75, 0.70], k=2 -> target 0.7501.
    """
    s = scores.dropna().astype(float)
    mine = float(s[code])
    others = s.drop(code).sort_values(ascending=False, kind="stable")
    current_rank = rank_among(mine, others)
    if len(others) < k:
        target, kth = mine, None
    else:
        target = round(float(others.iloc[k - 1]) + STEP, DECIMALS)
        kth = str(others.index[k - 1])
    reached = current_rank <= k
    gap = 0.0 if reached else max(0.0, round(target - mine, DECIMALS))
    return RankTarget(code, int(k), mine, current_rank, target, gap, reached, kth)


def cheapest_allocation(
    values: Mapping[str, float],
    points: Mapping[str, float],
    gain: float,
    costs: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The least total improvement of the inputs that raises the DTI by at least ``gain``.

    Problem (a linear programme, a fractional knapsack): with weights w_i = p_i / sum(p),
    headroom h_i = 1 - v_i and unit costs c_i (default 1: one index point of effort is
    worth the same on every index),

        minimise sum_i c_i * x_i   subject to   sum_i w_i * x_i >= gain,  0 <= x_i <= h_i.

    Greedy rule: fill indices in decreasing order of w_i / c_i (with equal costs: by
    points, i.e. weight) up to their headroom until the gain is met.

    Proof of optimality. Take any feasible x and suppose some i ranks before j
    (w_i/c_i >= w_j/c_j) while x_i < h_i and x_j > 0. Move d = min(h_i - x_i, x_j * w_j/w_i)
    of DTI-weighted improvement: x_i += d, x_j -= d * w_i / w_j. The DTI gain is unchanged
    (w_i*d - w_j*d*w_i/w_j = 0) and the cost changes by c_i*d - c_j*d*w_i/w_j
    = d*w_i*(c_i/w_i - c_j/w_j) <= 0. Repeating never raises the cost and ends in the greedy
    solution (every better-ratio index full before a worse one is used), so greedy is
    optimal. It is the classic exchange argument for the fractional knapsack; a linear
    objective has no diminishing returns, which is exactly what makes greedy exact here.

    Increases are rounded up to the published 4 decimals (the last index used is rounded up
    so the rounded plan still reaches ``gain``). Missing values count as having no headroom.
    If the headroom cannot deliver ``gain``, every index is filled and ``feasible`` is False.
    Returns rows (indicator, points, weight, current, increase, new, dti_gain, feasible) in
    the greedy order. Example: values {a: .5, b: .9}, points {a: 100, b: 300}, gain 0.05 ->
    b +0.1 (gain 0.075); a unused.
    """
    total = float(sum(points.values()))
    rows = []
    for ind, p in points.items():
        v = values.get(ind)
        v = float("nan") if v is None else float(v)
        c = 1.0 if costs is None else float(costs[ind])
        rows.append(
            {
                "indicator": ind,
                "points": float(p),
                "weight": float(p) / total,
                "current": v,
                "cost": c,
            }
        )
    plan = pd.DataFrame(rows)
    plan["_ratio"] = plan["weight"] / plan["cost"]
    plan = plan.sort_values(["_ratio", "indicator"], ascending=[False, True], kind="stable")
    remaining = max(0.0, float(gain))
    increases = []
    for _, r in plan.iterrows():
        head = 0.0 if math.isnan(r["current"]) else max(0.0, round(1.0 - r["current"], DECIMALS))
        if remaining <= 1e-12 or head <= 0:
            increases.append(0.0)
            continue
        need = remaining / r["weight"]
        # round up to the published precision; guard binary noise before ceil
        x = min(head, math.ceil(need / STEP - 1e-9) * STEP)
        x = round(x, DECIMALS)
        increases.append(x)
        remaining -= x * r["weight"]
    plan["increase"] = increases
    plan["new"] = (plan["current"] + plan["increase"]).round(DECIMALS)
    plan["dti_gain"] = plan["weight"] * plan["increase"]
    plan["feasible"] = bool(remaining <= 1e-12)
    return plan[
        ["indicator", "points", "weight", "current", "increase", "new", "dti_gain", "feasible"]
    ].reset_index(drop=True)


def what_if(
    values: pd.DataFrame,
    frameworks: Mapping[int, Framework],
    units: pd.DataFrame,
    edition: int,
    unit_set: str,
    edits: Mapping[str, Mapping[str, float]],
) -> pd.DataFrame:
    """Rescore and rerank one edition after replacing some inputs.

    ``values`` is the tidy store shape; ``edits`` maps province_code -> {input: new value}
    (values are clipped to [0, 1]). The edited units' stored composites (an official DTI
    or pillar) are dropped, since they no longer match the inputs, and recomputed by the
    official formula (``compute_scores``); everyone else keeps their official figures.
    Ranks, regional ranks, percentiles and tiers are recomputed for every unit
    (``rank_scores``). With no edits (or edits equal to the stored values of units with no
    stored composites) the ranks are unchanged. Missing stays missing unless edited.
    Returns ``rank_scores`` output for the edition plus ``changed`` (bool: the unit's
    score differs from before). Example: what_if(v, fws, units, 2023, "63",
    {"30": {"soc_activity": 0.6}}) -> Hải Dương's dti 0.7223 -> 0.7400.
    """
    fw = frameworks[int(edition)]
    part = values[(values["edition"] == edition) & (values["unit_set"] == unit_set)]
    part = part[[*KEY, "indicator", "value"]].copy()
    unknown = {i for e in edits.values() for i in e} - set(fw.inputs)
    if unknown:
        raise ValueError(f"not inputs of edition {edition}: {sorted(unknown)}")
    base_ranked = rank_scores(compute_scores(part, frameworks), units)
    for code, changes in edits.items():
        part = part[~((part["province_code"] == code) & part["indicator"].isin(fw.composites))]
        for ind, val in changes.items():
            val = min(1.0, max(0.0, float(val)))
            hit = (part["province_code"] == code) & (part["indicator"] == ind)
            if hit.any():
                part.loc[hit, "value"] = val
            else:
                part = pd.concat(
                    [
                        part,
                        pd.DataFrame(
                            [
                                {
                                    "edition": edition,
                                    "unit_set": unit_set,
                                    "province_code": code,
                                    "indicator": ind,
                                    "value": val,
                                }
                            ]
                        ),
                    ],
                    ignore_index=True,
                )
    out = rank_scores(compute_scores(part, frameworks), units)
    before = base_ranked.set_index([*KEY, "indicator"])["score"]
    now = out.set_index([*KEY, "indicator"])["score"]
    out["changed"] = ~(
        (now == before.reindex(now.index)) | (now.isna() & before.reindex(now.index).isna())
    ).to_numpy()
    return out


def slider_steps(current: float | None, step: float = 0.01) -> list[float]:
    """Values for a 0..1 what-if slider: every ``step`` plus ``current`` itself (so the
    slider starts exactly on the present score, and the what-if starts unchanged).
    Example: slider_steps(0.7421)[:2] == [0.0, 0.01] and 0.7421 in the list."""
    n = round(1 / step)
    values = {round(i * step, 4) for i in range(n + 1)}
    if current is not None and current == current:
        values.add(round(float(current), 4))
    return sorted(values)
