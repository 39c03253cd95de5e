"""Reading: python-calamine for every workbook (fast, cached values only), csv for text,
and openpyxl in read-only mode only when a worksheet holds formulas, to find formulas
without a cached value (calamine reads them as empty)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from data.ingest.report import Reporter


def text_of(value: Any) -> str:
    """A cell as trimmed text ("" for empty; 12.0 -> "12")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # absolute grid from A1; "" or None for empty cells
    merged: list[tuple[int, int, int, int]]  # r0, c0, r1, c1 (0-based, inclusive)
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(text_of(v) for row in self.rows for v in row)

    def cell(self, r: int, c: int) -> Any:
        """The value at (r, c), "" outside the grid."""
        return self.rows[r][c] if r < len(self.rows) and c < len(self.rows[r]) else ""


def read_sheets(data: bytes, kind: str, rep: Reporter) -> list[Sheet]:
    """Every sheet of the file; an empty file stops the parse, empty sheets are noted."""
    sheets = read_csv(data, rep) if kind == "csv" else read_calamine(data, rep)
    if not sheets or all(s.empty for s in sheets):
        raise rep.fail("EMPTY_FILE", sheet=sheets[0].name if sheets else None)
    for s in sheets:
        if s.empty:
            rep.warn("EMPTY_SHEET", sheet=s.name)
    return sheets


def read_calamine(data: bytes, rep: Reporter) -> list[Sheet]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in wb.sheet_names:
            sh = wb.get_sheet_by_name(name)
            rows = sh.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
            sheets.append(Sheet(name, [list(r) for r in rows], merged))
        return sheets
    except pc.PasswordError:
        raise rep.fail("PASSWORD_PROTECTED") from None
    except Exception as exc:  # calamine raises several error types for damaged files
        raise rep.fail("UNREADABLE", detail=f"{type(exc).__name__}: {exc}"[:200]) from None


def read_csv(data: bytes, rep: Reporter) -> list[Sheet]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise rep.fail("CSV_ENCODING") from None
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    best, best_score = ",", -1.0
    for delim in (";", ",", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not counts or max(counts) < 2:
            continue
        # The delimiter that splits most lines into the same (largest) number of fields.
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delim, score
    rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=best)]
    return [Sheet(rep.file, rows, [])]


def formula_cells(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """(row, col) -> formula text for every formula cell of a sheet (openpyxl, read-only;
    defusedxml is used by openpyxl when installed)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_vba=False)
    try:
        ws = wb[sheet_name]
        out: dict[tuple[int, int], str] = {}
        for row in ws.iter_rows():
            for c in row:
                if getattr(c, "data_type", None) == "f":
                    out[(c.row - 1, c.column - 1)] = str(c.value)[:60]
        return out
    finally:
        wb.close()


def formulas_without_value(
    data: bytes, kind: str, formula_members: set[str], sheet: Sheet, rep: Reporter
) -> set[tuple[int, int]]:
    """Cells whose formula has no cached value, each reported (xlsx with formulas only)."""
    empty: set[tuple[int, int]] = set()
    if kind != "xlsx" or not formula_members:
        return empty
    for (r, c), text in formula_cells(data, sheet.name).items():
        v = sheet.cell(r, c)
        if v is None or v == "":
            empty.add((r, c))
            rep.error("FORMULA_NO_VALUE", at=(r, c), formula=text)
    return empty
