"""Cell caps before parsing: a sheet's extent measured from the XML stream.

A tiny workbook can declare millions of cells (an ``.ods`` row with
``number-rows-repeated`` × ``number-columns-repeated``, an ``.xlsx`` with one stray value
in XFD1048576); calamine would then build the dense grid and the process would abort.
Here each worksheet is streamed (``XMLPullParser``, elements cleared as they close) and
only the cells that hold something count: the extent is the last row and column with
content. Beyond ``Limits.max_rows`` × ``Limits.max_cols`` the file is refused with the
sheet and the far cell named. DTDs were already refused by ``safety.check_zip``.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from data.ingest.report import Reporter, cell_ref
from data.ingest.safety import Limits

_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CHUNK = 1 << 16


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _events(fh: io.BufferedIOBase, tags: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    parser = XMLPullParser(events=("start", "end"))
    while chunk := fh.read(_CHUNK):
        parser.feed(chunk)
        for ev, el in parser.read_events():
            if el.tag in tags:
                yield ev, el  # type: ignore[misc]
    parser.close()
    for ev, el in parser.read_events():
        if el.tag in tags:
            yield ev, el  # type: ignore[misc]


def check_extent(data: bytes, kind: str, limits: Limits, rep: Reporter) -> None:
    """Refuse a workbook whose used extent on any sheet is beyond the caps."""
    try:
        if kind == "xls":
            _refuse_beyond(_xls_extents(data), limits, rep)
            return
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = _xlsx_extents(zf) if kind == "xlsx" else _ods_extents(zf)
            _refuse_beyond(sheets, limits, rep)
    except (ParseError, zipfile.BadZipFile, KeyError, ValueError, OSError, struct.error) as exc:
        raise rep.fail("UNREADABLE", detail=f"{type(exc).__name__}: {exc}"[:200]) from None


def _refuse_beyond(sheets: Iterable[tuple[str, int, int]], limits: Limits, rep: Reporter) -> None:
    for sheet, rows, cols in sheets:
        if rows > limits.max_rows or cols > limits.max_cols:
            raise rep.fail(
                "TOO_MANY_CELLS",
                sheet=sheet,
                cell=cell_ref(max(rows, 1) - 1, max(cols, 1) - 1),
                rows=rows,
                cols=cols,
                max_rows=limits.max_rows,
                max_cols=limits.max_cols,
            )


def _xlsx_sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """worksheet member -> sheet name, from workbook.xml and its relationships."""
    wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets |= {
        m.group(2): m.group(1)
        for m in re.finditer(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
    }
    out = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
        attrs = m.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        rid = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', attrs)
        if not name or not rid:
            continue
        target = targets.get(rid.group(1) or rid.group(2) or "", "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[member] = name.group(1)
    return out


def _xlsx_extents(zf: zipfile.ZipFile) -> Iterator[tuple[str, int, int]]:
    names = _xlsx_sheet_names(zf)
    members = [n for n in zf.namelist() if re.match(r"xl/worksheets/[^/]+\.xml$", n)]
    for member in members:
        rows = cols = 0
        row = 0
        col = -1
        with zf.open(member) as fh:
            for ev, el in _events(fh, (f"{_X}row", f"{_X}c")):
                if el.tag == f"{_X}row":
                    if ev == "start":
                        r = el.get("r")
                        row = int(r) if r and r.isdigit() else row + 1
                        col = -1
                    else:
                        el.clear()
                    continue
                if ev == "start":
                    ref = _REF.match(el.get("r") or "")
                    if ref:
                        col, row = _col_index(ref.group(1)), int(ref.group(2))
                    else:
                        col += 1
                    continue
                if len(el) or el.text:  # a value, an inline string or a formula
                    rows, cols = max(rows, row), max(cols, col + 1)
                el.clear()
        yield names.get(member, member), rows, cols


def _ods_extents(zf: zipfile.ZipFile) -> Iterator[tuple[str, int, int]]:
    cell_tags = (f"{_T}table-cell", f"{_T}covered-table-cell")
    tags = (f"{_T}table", f"{_T}table-row", *cell_tags, f"{_TEXT}p")
    name = ""
    rows = cols = row = col = 0
    row_reps = cell_reps = 1
    row_cols = 0
    content = False
    with zf.open("content.xml") as fh:
        for ev, el in _events(fh, tags):
            tag = el.tag
            if tag == f"{_T}table":
                if ev == "start":
                    name, rows, cols, row = el.get(f"{_T}name", "?"), 0, 0, 0
                else:
                    yield name, rows, cols
                    el.clear()
            elif tag == f"{_T}table-row":
                if ev == "start":
                    row_reps = int(el.get(f"{_T}number-rows-repeated", "1"))
                    col = row_cols = 0
                else:
                    if row_cols:
                        rows, cols = row + row_reps, max(cols, row_cols)
                    row += row_reps
                    el.clear()
            elif tag in cell_tags:
                if ev == "start":
                    cell_reps = int(el.get(f"{_T}number-columns-repeated", "1"))
                    content = el.get(f"{_O}value-type") is not None
                else:
                    col += cell_reps
                    if content:
                        row_cols = col
            elif ev == "start":  # text:p inside a cell
                content = True


# BIFF8 (.xls) records that hold a cell's content: row and column are the first two
# 16-bit fields (NUMBER, LABELSST, RK, FORMULA, BOOLERR, LABEL); MULRK spans columns.
_XLS_CELLS = {0x0203, 0x00FD, 0x027E, 0x0006, 0x0205, 0x0204}
_XLS_MULRK, _XLS_BOF, _XLS_EOF, _XLS_SHEET = 0x00BD, 0x0809, 0x000A, 0x0085


def _xls_extents(data: bytes) -> Iterator[tuple[str, int, int]]:
    """Each worksheet's used extent from the BIFF record stream (no grid is built)."""
    from xlrd import compdoc

    cd = compdoc.CompDoc(data, logfile=io.StringIO())
    for name in ("Workbook", "Book"):
        mem, base, size = cd.locate_named_stream(name)
        if mem is not None:
            break
    else:
        raise ValueError("no Workbook stream")
    stream = memoryview(mem)[base : base + size]
    names: list[str] = []
    depth = index = rows = cols = 0
    pos = 0
    while pos + 4 <= len(stream):
        rtype, rlen = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        pos = body + rlen
        if rtype == _XLS_BOF:
            depth += 1
            rows = cols = 0
        elif rtype == _XLS_EOF:
            depth -= 1
            if depth == 0 and index:  # the end of a worksheet substream
                yield (names[index - 1] if index - 1 < len(names) else f"#{index}"), rows, cols
            if depth == 0:
                index += 1
        elif rtype == _XLS_SHEET and rlen >= 8:
            cch, flags = stream[body + 6], stream[body + 7]
            raw = bytes(stream[body + 8 : body + 8 + cch * (2 if flags & 1 else 1)])
            names.append(raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace"))
        elif rtype in _XLS_CELLS and rlen >= 4:
            row, col = struct.unpack_from("<HH", stream, body)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
        elif rtype == _XLS_MULRK and rlen >= 6:
            row = struct.unpack_from("<H", stream, body)[0]
            last = struct.unpack_from("<H", stream, body + rlen - 2)[0]
            rows, cols = max(rows, row + 1), max(cols, last + 1)
