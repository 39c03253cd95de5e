"""The pieces of the national ingest this package reuses, imported in one place.

Readers (calamine/CSV), the safety checks (size, type sniffing, zip bombs, XML entities),
the located ``Problem`` type, number parsing and cell references all come from the
``data.ingest`` package (safety, read, report, table); only this module needs to follow
when that package is reorganised.
"""

from __future__ import annotations

from data.ingest.read import Sheet, formulas_without_value
from data.ingest.read import read_sheets as _read_sheets
from data.ingest.read import text_of as text
from data.ingest.report import IngestError, Problem, Reporter, cell_ref, col_letter, problem
from data.ingest.safety import FILE_LEVEL_CODES, SUPPORTED_EXTENSIONS, Limits, check_file, check_zip
from data.ingest.table import fill_merged as filled
from data.ingest.table import to_number

__all__ = [
    "FILE_LEVEL_CODES",
    "SUPPORTED_EXTENSIONS",
    "IngestError",
    "Limits",
    "Problem",
    "Sheet",
    "cell_ref",
    "col_letter",
    "filled",
    "problem",
    "read_sheets",
    "text",
    "to_number",
]


def read_sheets(
    data: bytes,
    file_name: str,
    limits: Limits | None = None,
    problems: list[Problem] | None = None,
) -> list[Sheet]:
    """Every sheet of a workbook/CSV after the national ingest's safety checks; raises
    ``IngestError`` with a located file-level problem (too large, wrong type, encrypted,
    zip bomb, XML entities, unreadable, empty). With ``problems``, formulas that were
    never calculated (no cached value; calamine would read them as empty) are added there
    as located errors, as the national ingest does."""
    limits = limits or Limits()
    rep = Reporter([], file_name)  # empty-sheet warnings are not wanted here
    kind = check_file(data, file_name, limits, rep)
    members = check_zip(data, limits, rep) if kind in ("xlsx", "ods") else set()
    sheets = _read_sheets(data, kind, rep)
    if problems is not None:
        found = Reporter(problems, file_name)
        for sheet in sheets:
            formulas_without_value(data, kind, members, sheet, found.on(sheet.name))
    return sheets
