"""Recover an edition's points from a complete results table (pure numpy/pandas).

The provincial DTI is a points-weighted mean of the main indices:
``total = sum(points_i * v_i) / total_points``. Given every unit's main indices and total,
the weights are the least-squares solution of ``total ~ X w`` (no intercept) over the
complete rows; points are ``w`` scaled to the edition's total (1000 unless told), rounded
to whole points with the largest-remainder rule so they still sum to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Published values have 4 decimals, so a consistent file fits within the rounding of the
# total and of every index; a fit this far off means the file is not a weighted sum.
EXACT_TOLERANCE = 0.0001 + 1e-9
COLLINEAR_CONDITION = 1e8


class RecoveryError(ValueError):
    """The file cannot determine the points. ``reason`` is one of ``no_total``,
    ``no_indices``, ``too_few_rows``, ``collinear``, ``non_positive``; ``params`` fill the
    message (see i18n keys ``recover.<reason>``)."""

    def __init__(self, reason: str, **params: object) -> None:
        self.reason = reason
        self.params = params
        super().__init__(f"{reason}: {params}")


@dataclass(frozen=True)
class Recovery:
    points: dict[str, int]  # whole points, summing to total_points
    estimate: dict[str, float]  # unrounded least-squares points
    total_points: float
    rows_used: int
    residual: float  # RMS of total - fitted with the whole points
    max_residual: float
    worst: pd.DataFrame  # unit, total, fitted, residual: the worst-fitting rows first

    @property
    def exact(self) -> bool:
        """Every row reproduced within the published rounding (±0.0001)."""
        return self.max_residual <= EXACT_TOLERANCE


def _whole_points(est: np.ndarray, total_points: float) -> np.ndarray:
    """Round to integers that sum to ``total_points`` (largest remainder)."""
    target = round(total_points)
    floor = np.floor(est)
    short = int(target - floor.sum())
    order = np.argsort(-(est - floor), kind="stable")
    out = floor.copy()
    if short > 0:
        out[order[:short]] += 1
    elif short < 0:
        out[order[::-1][:-short]] -= 1
    return out


def recover_points(
    table: pd.DataFrame,
    indices: Sequence[str],
    total: str = "dti",
    total_points: float = 1000.0,
    unit: str | None = None,
    n_worst: int = 5,
) -> Recovery:
    """Points per index from ``table`` (one row per unit, columns ``indices`` and ``total``,
    values on the 0–1 scale).

    Only rows with every index and the total are used. Refuses (RecoveryError) when the
    file has no total column or no index, fewer complete rows than indices + 1 (one row
    more than unknowns, so the fit can be checked), collinear indices (a column that is a
    multiple or a combination of others, or constant across units along with another), or
    an index whose estimated points are not positive. ``unit`` names the column that
    identifies a row in ``worst`` (default: the index).

    Example: 34 rows built with 120/100/80/100/100/200/150/150 points give exactly those
    points, residual ≤ 0.0001.
    """
    idx = list(indices)
    if total not in table.columns:
        raise RecoveryError("no_total", total=total)
    if not idx:
        raise RecoveryError("no_indices")
    missing = [c for c in idx if c not in table.columns]
    if missing:
        raise RecoveryError("no_indices", missing=", ".join(missing))
    data = table[[*idx, total]].apply(pd.to_numeric, errors="coerce")
    complete = data.notna().all(axis=1)
    rows = data[complete]
    k = len(idx)
    if len(rows) < k + 1:
        raise RecoveryError("too_few_rows", rows=len(rows), needed=k + 1, indices=k)
    x = rows[idx].to_numpy(dtype=float)
    y = rows[total].to_numpy(dtype=float)
    rank = int(np.linalg.matrix_rank(x, tol=1e-6))
    cond = float(np.linalg.cond(x)) if rank == k else float("inf")
    if rank < k or cond > COLLINEAR_CONDITION:
        raise RecoveryError("collinear", rank=rank, indices=k)
    w, *_ = np.linalg.lstsq(x, y, rcond=None)
    if (w <= 0).any():
        bad = [c for c, v in zip(idx, w, strict=True) if v <= 0]
        raise RecoveryError("non_positive", indices=", ".join(bad))
    est = w / w.sum() * total_points
    whole = _whole_points(est, total_points)
    fitted = x @ (whole / total_points)
    res = y - fitted
    labels = table.loc[complete, unit] if unit else rows.index.to_series()
    worst = pd.DataFrame(
        {
            "unit": np.asarray(labels),
            "total": y,
            "fitted": fitted,
            "residual": res,
        }
    )
    worst = (
        worst.reindex(worst["residual"].abs().sort_values(ascending=False, kind="stable").index)
        .head(n_worst)
        .reset_index(drop=True)
    )
    return Recovery(
        points={c: int(p) for c, p in zip(idx, whole, strict=True)},
        estimate={c: float(p) for c, p in zip(idx, est, strict=True)},
        total_points=float(total_points),
        rows_used=int(len(rows)),
        residual=float(np.sqrt(np.mean(res**2))),
        max_residual=float(np.abs(res).max()),
        worst=worst,
    )
