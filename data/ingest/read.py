"""Reading: python-calamine for every workbook (fast, cached values only), csv for text,
and openpyxl in read-only mode only when a worksheet holds formulas, to find formulas
without a cached value (calamine reads them as empty)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from data.ingest.report import Reporter, cell_ref
from data.ingest.safety import Limits


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


def read_sheets(data: bytes, kind: str, rep: Reporter, limits: Limits | None = None) -> list[Sheet]:
    """Every sheet of the file; an empty file stops the parse, empty sheets are noted."""
    limits = limits or Limits()
    sheets = read_csv(data, rep, limits) if kind == "csv" else read_calamine(data, rep)
    if not sheets or all(s.empty for s in sheets):
        raise rep.fail("EMPTY_FILE", sheet=sheets[0].name if sheets else None)
    for s in sheets:
        if s.empty:
            rep.warn("EMPTY_SHEET", sheet=s.name)
    return sheets


def read_calamine(data: bytes, rep: Reporter) -> list[Sheet]:
    """Every sheet's grid (the caller has checked the extent: ``extent.check_extent``)."""
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


# Excel in Vietnam writes "CSV UTF-8" (with a BOM), "CSV" (Windows-1258, tone marks as
# combining characters) and "Unicode Text" (UTF-16LE with a BOM, tab-separated).
ENCODINGS_TRIED = "UTF-8, UTF-16, Windows-1258"
MAX_FIELD_CHARS = 32_768  # no DTI cell needs more; csv's own default is 131,072


def decode_text(data: bytes, rep: Reporter) -> str:
    """Text of a CSV/TXT/TSV file in NFC, whichever of the encodings Excel writes."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1258"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):  # binary or another encoding read as this one
            continue
        return unicodedata.normalize("NFC", text)
    raise rep.fail("CSV_ENCODING", tried=ENCODINGS_TRIED)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_csv(data: bytes, rep: Reporter, limits: Limits | None = None) -> list[Sheet]:
    limits = limits or Limits()
    text = decode_text(data, rep)
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    best, best_score = ",", -1.0
    csv.field_size_limit(MAX_FIELD_CHARS)
    for delim in (";", ",", "\t"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        # The delimiter that splits most lines into the same (largest) number of fields.
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delim, score
    reader = csv.reader(io.StringIO(text), delimiter=best)
    rows: list[list[str]] = []
    try:
        for r in reader:
            if len(rows) >= limits.max_rows or len(r) > limits.max_cols:
                raise rep.fail(
                    "TOO_MANY_CELLS",
                    sheet=rep.file,
                    cell=cell_ref(reader.line_num - 1, len(r) - 1),
                    rows=f"> {len(rows)}" if len(rows) >= limits.max_rows else len(rows) + 1,
                    cols=len(r),
                    max_rows=limits.max_rows,
                    max_cols=limits.max_cols,
                )
            rows.append(list(r))
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise rep.fail("CSV_FIELD_TOO_LONG", line=line, cap=MAX_FIELD_CHARS) from None
        raise rep.fail("UNREADABLE", detail=f"line {line}: {exc}"[:200]) from None
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
