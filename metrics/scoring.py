"""Scores: composites recomputed from an edition's inputs, and the published rounding.

Pure pandas/numpy: no IO, no streamlit. Frameworks are passed in (see data.frameworks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the type only; metrics never loads files
    from domain.framework import Framework

KEY = ["edition", "unit_set", "province_code"]
DECIMALS = 4
_SCALE = 10**DECIMALS


def ticks(x: pd.Series | np.ndarray | float | list[float]) -> np.ndarray:
    """Scores in units of the last published digit (0.6383 -> 6383.0), rounded half up.

    The one rounding rule: ``round4`` and every rank compare these whole numbers, so two
    scores that publish alike (0.63834 and 0.63826 -> 0.6383) are equal. A tiny guard
    absorbs binary error (0.63835 is stored as 0.638349999...). Missing stays NaN."""
    if isinstance(x, pd.Series):
        x = x.to_numpy(dtype=float, na_value=np.nan)
    return np.floor(np.asarray(x, dtype=float) * _SCALE + 0.5 + 1e-7)


def round4(x: pd.Series | np.ndarray | float) -> pd.Series | np.ndarray | float:
    """Round half up to the published 4 decimals (see ``ticks``).

    Missing stays missing. Example: round4(0.716355) == 0.7164.
    """
    if isinstance(x, pd.Series):
        return pd.Series(ticks(x) / _SCALE, index=x.index, name=x.name)
    arr = ticks(x) / _SCALE
    return float(arr) if arr.ndim == 0 else arr


def composites(x: np.ndarray, fw: Framework) -> dict[str, np.ndarray]:
    """The scoring formula: every composite of ``fw`` from the input matrix ``x`` (one row
    per unit, one column per ``fw.inputs``), unrounded.

    A composite C is ``sum(points_i * v_i) / sum(points_i)`` over its members; a unit with
    any member missing (NaN) has C missing. Used by ``compute_scores`` and by the upload's
    total check, so there is one formula."""
    out: dict[str, np.ndarray] = {}
    for comp in fw.composites:
        w = fw.weights(comp)
        sub = x[:, [fw.inputs.index(c) for c in w]]
        pts = np.array(list(w.values()), dtype=float)
        total = np.nan_to_num(sub) @ pts / pts.sum()
        out[comp] = np.where(np.isnan(sub).any(axis=1), np.nan, total)
    return out


def compute_scores(values: pd.DataFrame, frameworks: Mapping[int, Framework]) -> pd.DataFrame:
    """Every indicator of every (edition, unit set, province), composites recomputed.

    ``values`` is the tidy store shape (edition, unit_set, province_code, indicator, value).
    Inputs are taken as stored. Each composite C is ``sum(points_i * v_i) / sum(points_i)``
    over its members (pillar membership and points come from the edition's framework); a
    composite with any missing member is missing. Stored composites (e.g. an uploaded
    total) are ignored here; see ``reconcile`` for the published-vs-recomputed difference.

    Where a value is stored for an indicator (an input, or an official composite) that
    value is the ``score`` (basis "stored"); otherwise the recomputed one (basis
    "recomputed"). ``recomputed`` always holds the 4-decimal recomputation, so the
    difference between an official total and the formula stays visible.

    Returns columns edition, unit_set, province_code, indicator, raw (unrounded
    recomputation), recomputed, score and basis. Example: Quảng Ninh 2022's published indices give
    dti raw 0.70236.. -> score 0.7024.
    """
    frames = []
    for edition, part in values.groupby("edition", sort=True):
        fw = frameworks[int(edition)]
        wide = part.pivot(index=KEY, columns="indicator", values="value")
        wide = wide.reindex(columns=list(fw.inputs))
        x = wide.to_numpy(dtype=float)
        cols: dict[str, np.ndarray] = {code: x[:, j] for j, code in enumerate(fw.inputs)}
        cols.update(composites(x, fw))
        out = pd.DataFrame(cols, index=wide.index)
        frames.append(out.reset_index().melt(id_vars=KEY, var_name="indicator", value_name="raw"))
    if not frames:
        return pd.DataFrame(columns=[*KEY, "indicator", "raw", "basis", "score"])
    long = pd.concat(frames, ignore_index=True)
    long["raw"] = long["raw"].astype(float)
    # A stored composite is the official figure (the publisher rounds from unrounded
    # indices, so it may differ from the recomputed one by 0.0001): it is the score shown
    # and ranked. One that cannot be recomputed (an upload of totals only) is used as is.
    stored = values[[*KEY, "indicator", "value"]]
    long = long.merge(stored, on=[*KEY, "indicator"], how="outer")
    long["recomputed"] = round4(long["raw"])
    has = long["value"].notna()
    long["score"] = long["recomputed"].where(~has, long["value"].astype(float))
    long["basis"] = np.where(has, "stored", np.where(long["raw"].notna(), "recomputed", None))
    long = long.drop(columns="value")
    return long.sort_values([*KEY, "indicator"], kind="stable").reset_index(drop=True)


def reconcile(
    values: pd.DataFrame, scores: pd.DataFrame, tolerance: float = 0.0001
) -> pd.DataFrame:
    """Stored composites against the recomputed ones.

    Returns rows (key, indicator, stored, recomputed, diff, ok) for every stored value of
    an indicator that ``scores`` also has; ``ok`` is |diff| <= tolerance (the publisher
    rounds from unrounded indices, so 0.0001 is the honest tolerance).
    """
    merged = values.merge(scores, on=[*KEY, "indicator"], how="inner")
    out = merged[[*KEY, "indicator"]].copy()
    out["stored"] = merged["value"].astype(float)
    out["recomputed"] = merged["recomputed"].astype(float)
    out["diff"] = (out["stored"] - out["recomputed"]).round(DECIMALS + 2)
    out["ok"] = out["diff"].abs() <= tolerance + 1e-9
    return out
