"""pandera models for the tables that cross a boundary (bundle, store, uploads).

Validation is lazy: every failure is collected into one table that can be shown.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from data.frameworks import CODE_RE
from data.provinces import UNIT_SETS, by_code


class SchemaError(ValueError):
    """Validation failed; ``failures`` is pandera's failure table."""

    def __init__(self, failures: pd.DataFrame):
        self.failures = failures
        super().__init__(f"{len(failures)} validation failure(s)\n{failures.head(20)}")


def _codes_ok(df: pd.DataFrame) -> pd.Series:
    known = {u: set(by_code(u)) for u in UNIT_SETS}
    return pd.Series(
        [
            c in known.get(u, set())
            for u, c in zip(df["unit_set"], df["province_code"], strict=True)
        ],
        index=df.index,
    )


VALUES = pa.DataFrameSchema(
    {
        # any year the DTI exists for; whether an edition has a framework is checked where
        # the edition is resolved (data.frameworks reads the store, not at import time)
        "edition": pa.Column(int, pa.Check.in_range(2020, 2100)),
        "unit_set": pa.Column(str, pa.Check.isin(list(UNIT_SETS))),
        "province_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
        # the fixed codes or a declared new index (data.frameworks.CODE_RE)
        "indicator": pa.Column(str, pa.Check.str_matches(CODE_RE.pattern)),
        "value": pa.Column(float, pa.Check.in_range(0.0, 1.0), nullable=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    checks=[pa.Check(_codes_ok, error="province code not in its unit set")],
    unique=["edition", "unit_set", "province_code", "indicator"],
    strict="filter",
    coerce=True,
)


def validate_values(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the tidy values table; raise SchemaError with every failure."""
    try:
        return VALUES.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise SchemaError(exc.failure_cases) from None
