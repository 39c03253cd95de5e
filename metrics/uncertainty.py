"""How sure is a rank? Monte Carlo over the weights and the published rounding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.ranking import count_above
from metrics.scoring import DECIMALS, round4, ticks

if TYPE_CHECKING:
    from domain.framework import Framework


def input_matrix(scores: pd.DataFrame, framework: Framework, unit_set: str) -> pd.DataFrame:
    """province_code x input values of ``framework.edition`` (rows with a missing input dropped)."""
    part = scores[
        (scores["edition"] == framework.edition)
        & (scores["unit_set"] == unit_set)
        & scores["indicator"].isin(framework.inputs)
    ]
    wide = part.pivot(index="province_code", columns="indicator", values="score")
    wide = wide.reindex(columns=list(framework.inputs)).astype(float).dropna()
    wide.columns.name = None
    return wide


def simulate_ranks(
    x: np.ndarray,
    points: np.ndarray,
    draws: int = 2000,
    weight_spread: float = 0.2,
    noise: float = 0.5 * 10**-DECIMALS,
    seed: int = 0,
) -> np.ndarray:
    """Competition ranks of N units in each of ``draws`` perturbed scorings, shape (draws, N).

    Draw d: weights w_dk = p_k * u_dk with u_dk ~ U(1 - spread, 1 + spread), renormalised to
    sum 1; values x_nk + e_dnk with e ~ U(-noise, +noise) (the unknown digits behind a value
    published at 4 decimals). Score s_dn = sum_k w_dk (x_nk + e_dnk), rounded half up to 4
    decimals as published, then rank = 1 + #{m: s_dm > s_dn}. Fully vectorised, seeded
    (numpy default_rng), so the same inputs give the same ranks. ``x`` must have no NaN.
    Example: simulate_ranks(np.array([[.9], [.1]]), np.array([1.0]), 3) -> [[1, 2]] * 3.
    """
    rng = np.random.default_rng(seed)
    n, k = x.shape
    w = points[None, :] * rng.uniform(1 - weight_spread, 1 + weight_spread, size=(draws, k))
    w /= w.sum(axis=1, keepdims=True)
    # s = x @ w.T + (e * w).sum(k): the noise term is the only (draws, n, k) array.
    e = rng.uniform(-noise, noise, size=(draws, n, k))
    s = w @ x.T + np.einsum("dnk,dk->dn", e, w)
    si = ticks(s).astype(np.int64)
    # Per-row "how many strictly greater" via one flat searchsorted: offset each row so rows
    # occupy disjoint integer ranges, then sorted position gives the count.
    span = int(si.max() - si.min()) + 2
    off = (np.arange(draws, dtype=np.int64) * span)[:, None]
    flat = np.sort(si + off, axis=1).ravel()
    pos = np.searchsorted(flat, (si + off).ravel(), side="right").reshape(draws, n)
    above = (np.arange(1, draws + 1, dtype=np.int64) * n)[:, None] - pos
    return (above + 1).astype(np.int32)


def rank_intervals(
    inputs: pd.DataFrame,
    points: Mapping[str, float],
    base_scores: pd.Series | None = None,
    draws: int = 2000,
    weight_spread: float = 0.2,
    noise: float = 0.5 * 10**-DECIMALS,
    seed: int = 0,
    lo: float = 5.0,
    hi: float = 95.0,
) -> pd.DataFrame:
    """The ``lo``-``hi`` percentile rank interval of every unit under perturbed scoring.

    ``inputs`` is province_code x input values (``input_matrix``); ``points`` the framework
    points of those columns. Ranks are simulated by ``simulate_ranks`` (weights +-20 %
    renormalised, uniform noise of half the last published digit). ``rank_lo``/``rank_hi``
    are the 5th/95th percentiles of each unit's simulated ranks (``inverted_cdf``: actual
    ranks), widened if needed to contain the unit's ``rank`` — the competition rank of
    ``base_scores`` (the official 4-decimal scores; default: the recomputed ones) — so the
    interval always contains the rank shown (``covered`` says whether widening was needed).
    Units with a missing input are not simulated (no row). ``p_top10`` is the share of
    draws ranked 10 or better. Example: two units 0.9 and 0.1 -> intervals [1, 1] and [2, 2].
    """
    cols = list(inputs.columns)
    x = inputs.to_numpy(dtype=float)
    p = np.array([float(points[c]) for c in cols])
    ranks = simulate_ranks(x, p, draws, weight_spread, noise, seed)
    if base_scores is None:
        base = round4(x @ (p / p.sum()))
    else:
        base = base_scores.reindex(inputs.index).to_numpy(dtype=float)
    base_rank = 1 + count_above(base, base)
    q = np.percentile(ranks, [lo, hi], axis=0, method="inverted_cdf")
    out = pd.DataFrame(
        {
            "province_code": inputs.index.astype(str),
            "score": base,
            "rank": base_rank,
            "rank_lo": np.minimum(q[0], base_rank).astype(int),
            "rank_hi": np.maximum(q[1], base_rank).astype(int),
            "rank_median": np.median(ranks, axis=0),
            "covered": (q[0] <= base_rank) & (base_rank <= q[1]),
            "p_top10": (ranks <= 10).mean(axis=0),
        }
    )
    return out.sort_values(["rank", "province_code"], kind="stable").reset_index(drop=True)


def statistically_tied(intervals: pd.DataFrame, code: str) -> list[str]:
    """Units whose rank interval overlaps ``code``'s ([a, b] and [c, d] overlap iff a <= d and
    c <= b), best rank first; ``code`` itself excluded, unknown code -> []."""
    me = intervals[intervals["province_code"] == code]
    if me.empty:
        return []
    a, b = int(me["rank_lo"].iloc[0]), int(me["rank_hi"].iloc[0])
    other = intervals[
        (intervals["province_code"] != code)
        & (intervals["rank_lo"] <= b)
        & (intervals["rank_hi"] >= a)
    ]
    return other["province_code"].tolist()


def edition_rank_intervals(
    scores: pd.DataFrame, framework: Framework, unit_set: str, draws: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """``rank_intervals`` for one edition's DTI, based on the official (shown) DTI scores."""
    inputs = input_matrix(scores, framework, unit_set)
    dti = scores[
        (scores["edition"] == framework.edition)
        & (scores["unit_set"] == unit_set)
        & (scores["indicator"] == "dti")
    ].set_index("province_code")["score"]
    if inputs.empty:  # e.g. the official-only view of an edition with no published inputs
        cols = ["province_code", "score", "rank", "rank_lo", "rank_hi", "rank_median"]
        return pd.DataFrame(columns=[*cols, "covered", "p_top10"])
    return rank_intervals(inputs, framework.points, base_scores=dti, draws=draws, seed=seed)
