"""The pieces of the national ingest this package reuses, imported in one place.

Readers (calamine/CSV), the safety checks (size, type sniffing, zip bombs, XML entities),
the located ``Problem`` type, number parsing and cell references all come from
``data.ingest``; only this module needs to follow when that package is reorganised.
"""

from __future__ import annotations

from pathlib import Path

from data.ingest import (
    _EXPECTED_KIND,
    _KINDS,
    FILE_LEVEL_CODES,
    SUPPORTED_EXTENSIONS,
    IngestError,
    Limits,
    Problem,
    Sheet,
    _check_zip,
    _filled,
    _read_calamine,
    _read_csv,
    _sniff,
    _text,
    cell_ref,
    col_letter,
    problem,
    to_number,
)

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

filled = _filled
text = _text


def read_sheets(data: bytes, file_name: str, limits: Limits | None = None) -> list[Sheet]:
    """Every sheet of a workbook/CSV after the national ingest's safety checks; raises
    ``IngestError`` with a located file-level problem (too large, wrong type, encrypted,
    zip bomb, XML entities, unreadable, empty)."""
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        mb = 1024 * 1024
        raise IngestError(
            problem(
                "FILE_TOO_LARGE",
                file=file_name,
                size=round(len(data) / mb, 1),
                cap=round(limits.max_file_bytes / mb, 1),
            )
        )
    ext = Path(file_name).suffix.lower().lstrip(".")
    if ext not in SUPPORTED_EXTENSIONS:
        raise IngestError(problem("UNSUPPORTED_TYPE", file=file_name, ext=ext or "?"))
    kind = _sniff(data)
    if kind == "encrypted":
        raise IngestError(problem("PASSWORD_PROTECTED", file=file_name))
    if kind != _EXPECTED_KIND[ext]:
        actual_vi, actual_en = _KINDS.get(kind, _KINDS["binary"])
        raise IngestError(
            problem("WRONG_TYPE", file=file_name, ext=ext, actual_vi=actual_vi, actual_en=actual_en)
        )
    if kind in ("xlsx", "ods"):
        _check_zip(data, file_name, limits)
    sheets = _read_csv(data, file_name) if kind == "csv" else _read_calamine(data, file_name)
    if not sheets or all(s.empty for s in sheets):
        raise IngestError(
            problem("EMPTY_FILE", file=file_name, sheet=sheets[0].name if sheets else None)
        )
    return sheets
