"""Small shared reshaping helpers for the metrics modules (pure pandas)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from metrics.scoring import DECIMALS, KEY

SLICE = ["edition", "unit_set", "indicator"]


def edition_slice(
    frame: pd.DataFrame, edition: int, unit_set: str, indicator: str | None = None
) -> pd.DataFrame:
    """Rows of one (edition, unit set[, indicator]); a new frame with a fresh index."""
    mask = (frame["edition"] == edition) & (frame["unit_set"] == unit_set)
    if indicator is not None:
        mask &= frame["indicator"] == indicator
    return frame[mask].reset_index(drop=True)


def wide_scores(
    frame: pd.DataFrame,
    edition: int,
    unit_set: str,
    indicators: Sequence[str] | None = None,
    column: str = "score",
) -> pd.DataFrame:
    """province_code x indicator table of ``column`` for one edition and unit set.

    Missing cells stay NaN. Example: wide_scores(ranked, 2023, "63", ["dti"]).loc["30", "dti"].
    """
    part = edition_slice(frame, edition, unit_set)
    wide = part.pivot(index="province_code", columns="indicator", values=column)
    if indicators is not None:
        wide = wide.reindex(columns=list(indicators))
    wide.columns.name = None
    return wide.astype(float)


def round_diff(x: pd.Series | np.ndarray | float) -> pd.Series | np.ndarray | float:
    """Differences of 4-decimal figures, cleaned of binary noise (round to 4 decimals)."""
    if isinstance(x, pd.Series):
        return x.astype(float).round(DECIMALS)
    return (
        np.round(np.asarray(x, dtype=float), DECIMALS)
        if not isinstance(x, float)
        else round(x, DECIMALS)
    )


__all__ = ["KEY", "SLICE", "edition_slice", "round_diff", "wide_scores"]
