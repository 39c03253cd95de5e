"""The outcome of a parse: tidy rows in the store's shape plus every located problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data.ingest.mappings import SavedMappings
from data.ingest.report import Problem
from data.ingest.safety import FILE_LEVEL_CODES
from domain.values import VALUE_COLUMNS


@dataclass
class IngestResult:
    file_name: str
    sha256: str
    edition: int | None = None
    unit_set: str | None = None
    scale: str | None = None
    sheet: str | None = None
    rows: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[*VALUE_COLUMNS, "province"])
    )
    problems: list[Problem] = field(default_factory=list)
    # (province_code, indicator) -> (cell, 1-based row, header) for locating later checks
    locations: dict[tuple[str, str], tuple[str, int, str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # header text -> mapped code
    detected_year: int | None = None  # the year written in the file (title, sheet, name)
    # the user mappings (explicit or saved) that resolved a header or a province name
    mappings_used: SavedMappings = field(default_factory=SavedMappings)

    @property
    def missing_framework(self) -> int | None:
        """The year the file names that has no framework yet (the upload then offers to
        declare one), else None."""
        got = next((p.subject for p in self.errors if p.code == "YEAR_UNKNOWN"), None)
        return int(got) if got else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_level(self) -> bool:
        """True when the file itself was refused (unreadable, unsafe, wrong type)."""
        return any(p.code in FILE_LEVEL_CODES for p in self.errors)

    @property
    def values(self) -> pd.DataFrame:
        """The store shape (edition, unit_set, province_code, indicator, value, source)."""
        return self.rows[VALUE_COLUMNS].reset_index(drop=True)

    def as_json(self, lang: str = "vi") -> dict[str, Any]:
        rows = [
            {
                "province": r.province,
                "province_code": r.province_code,
                "indicator": r.indicator,
                "value": None if pd.isna(r.value) else round(float(r.value), 10),
            }
            for r in self.rows.itertuples(index=False)
        ]
        return {
            "ok": self.ok,
            "year": self.edition,
            "unit_set": self.unit_set,
            "rows": rows,
            "errors": [p.as_json(lang) for p in self.errors],
            "warnings": [p.as_json(lang) for p in self.warnings],
        }
