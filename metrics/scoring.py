"""Scores: composites recomputed from an edition's inputs, and the published rounding.

Pure pandas/numpy: no IO, no streamlit. Frameworks are passed in (see data.frameworks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from domain.framework import TOTAL
from metrics.keys import distinct_rows, remember_taken, scatter, take_small

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
    arr = floats(x) if isinstance(x, pd.Series) else np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return np.floor(arr * _SCALE + 0.5 + 1e-7)
    t = arr * _SCALE  # a new array, then the same steps in place
    t += 0.5
    t += 1e-7
    return np.floor(t, out=t)


def floats(x: pd.Series) -> np.ndarray:
    """The values of ``x`` as float64 with NaN for missing: the column's own (read-only)
    array when it is float64 already, else a converted copy."""
    if x.dtype == np.float64:
        return x.to_numpy()
    return x.to_numpy(dtype=float, na_value=np.nan)


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
    column = {c: j for j, c in enumerate(fw.inputs)}
    points = fw.points  # ``Framework.weights``, with the points dict built once, not per member
    for comp in fw.composites:
        w = points if comp == TOTAL else {c: points[c] for c in fw.members[comp]}
        sub = x[:, [column[c] for c in w]]
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

    Rows: every input and composite of the edition's framework for every unit the edition
    holds, plus any other stored indicator; sorted by edition, unit set, province and
    indicator. Returns columns edition, unit_set, province_code, indicator, raw (unrounded
    recomputation), recomputed, score and basis. Example: Quảng Ninh 2022's published
    indices give dti raw 0.70236.. -> score 0.7024.

    Vectorised: keys are integer-coded once and the values scattered into one (unit x
    indicator) matrix; ``composites`` runs once per edition.
    A (unit, indicator) stored twice raises ValueError.
    """
    if values.empty:
        return pd.DataFrame(columns=[*KEY, "indicator", "raw", "basis", "score"])
    units, unit_of = distinct_rows(values, KEY)
    ind_codes, ind_uniques = pd.factorize(values["indicator"], use_na_sentinel=False)
    vocab = _indicator_vocabulary(ind_uniques, frameworks, units["edition"].unique())
    col_of = vocab.get_indexer(ind_uniques)[ind_codes]
    if (col_of < 0).any():
        raise ValueError("values without an indicator code")
    shape = (len(units), len(vocab))
    stored, held = scatter(unit_of, col_of, floats(values["value"]), shape)
    raw, framed = _recompute(stored, units["edition"].to_numpy(), vocab, frameworks)
    framed |= held  # the cells of the output
    row, col = np.nonzero(framed)  # row-major: sorted by unit, indicator
    raw_v, value = raw[framed], stored[framed]
    has = ~np.isnan(value)
    recomputed = ticks(raw_v) / _SCALE
    # A stored composite is the official figure (the publisher rounds from unrounded
    # indices, so it may differ from the recomputed one by 0.0001): it is the score shown
    # and ranked. One that cannot be recomputed (an upload of totals only) is used as is.
    basis = np.ones(len(row), dtype=np.int8)  # 1 recomputed, 0 stored, -1 neither
    basis[np.isnan(raw_v)] = -1
    basis[has] = 0
    out = {k: take_small(units[k].array, row) for k in KEY}
    out["indicator"] = take_small(vocab.array, col)
    # Later functions reuse these codes instead of hashing the strings again. Every unit
    # and every indicator of the vocabulary has a cell, so no code is missing.
    for k in KEY:
        remember_taken(out[k], units[k], row, complete=True)
    remember_taken(out["indicator"], vocab, col, complete=True)
    out["raw"] = raw_v
    out["recomputed"] = recomputed
    out["score"] = np.where(has, value, recomputed)
    out["basis"] = take_small(pd.array(["stored", "recomputed"], dtype="str"), basis, True)
    return pd.DataFrame(out, copy=False)  # no consolidation copy of the float columns


def _indicator_vocabulary(
    stored: pd.Index, frameworks: Mapping[int, Framework], editions: np.ndarray
) -> pd.Index:
    """Every indicator ``stored`` (the distinct stored codes) or defined by an edition's
    framework, sorted."""
    names = set(stored.dropna())
    for e in editions:
        fw = frameworks[int(e)]
        names.update(fw.inputs)
        names.update(fw.composites)
    return pd.Index(sorted(names), dtype="str")


def _recompute(
    stored: np.ndarray,
    unit_edition: np.ndarray,
    vocab: pd.Index,
    frameworks: Mapping[int, Framework],
) -> tuple[np.ndarray, np.ndarray]:
    """Raw scores (inputs as stored, composites by ``composites``) and the cells every
    edition's framework defines, for units sorted by edition.

    One ``composites`` call per edition, on that edition's units only: a matrix product's
    last bits depend on the rows it runs over, so this keeps ``raw`` bit for bit what an
    edition-by-edition computation gives (the loop is over editions, not rows)."""
    raw = np.full(stored.shape, np.nan)
    framed = np.zeros(stored.shape, dtype=bool)
    bounds = np.flatnonzero(np.diff(unit_edition)) + 1
    for lo, hi in zip([0, *bounds], [*bounds, len(unit_edition)], strict=True):
        fw = frameworks[int(unit_edition[lo])]
        inputs = vocab.get_indexer(list(fw.inputs))
        x = stored[lo:hi][:, inputs]
        raw[lo:hi, inputs] = x
        for comp, arr in composites(x, fw).items():
            raw[lo:hi, vocab.get_loc(comp)] = arr
        framed[lo:hi, vocab.get_indexer([*fw.inputs, *fw.composites])] = True
    return raw, framed


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
