"""Picking the rows a page shows: the home province's row, one unit's ranks. Pages call
these instead of filtering frames themselves (tests/test_layering.py's page rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def rows_where(frame: pd.DataFrame, **match: object) -> pd.DataFrame:
    """The rows of ``frame`` whose columns equal every ``column=value`` of ``match``
    (index kept). ``rows_where(tiles, code="30")``."""
    keep = np.ones(len(frame), dtype=bool)
    for column, value in match.items():
        keep &= (frame[column] == value).to_numpy(dtype=bool)
    return frame[keep]


def row_where(frame: pd.DataFrame, **match: object) -> pd.Series:
    """The first row of ``rows_where(frame, **match)``; IndexError when none matches."""
    return rows_where(frame, **match).iloc[0]
