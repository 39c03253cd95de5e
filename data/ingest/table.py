"""Finding the table: the first sheet with a column of known province names; the header
block is the text rows directly above it (merged cells filled in), matched through the
alias table ``data/files/header_aliases.csv`` (alias, code, kind = value|rank|label|ignore)
after the province-name normalisation minus a leading "Chỉ số". Rank words ("Xếp hạng",
"Rank") and value words ("Giá trị", "Điểm") turn any indicator alias into its rank/value
column; a user mapping wins over the alias table."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from data.frameworks import ALL_INDICATORS, TOTAL
from data.ingest.read import Sheet, text_of
from data.ingest.report import Problem, Reporter, cell_ref
from data.provinces import FILES, UNIT_SETS, normalise

_RANK_WORDS = ("xephang", "thuhang", "ranking", "rank", "hang")
_VALUE_WORDS = ("giatri", "diemso", "diem", "score", "value", "ketqua")
SKIP_ROW_KEYS = (
    "canuoc",
    "toanquoc",
    "trungbinh",
    "binhquan",
    "national",
    "average",
    "tong",
    "tongcong",
    "vietnam",
)
_NUM_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_MISSING_TEXT = {"", "-", "–", "—", "x", "n/a", "na", "null", "none", "..."}


def header_key(text: Any) -> str:
    """Fold a header to its comparison key: the province-name normalisation, then a
    leading "Chỉ số" dropped ("Chỉ số Nhận thức số" == "NHAN THUC SO")."""
    key = normalise(str(text))
    if key.startswith("chiso") and len(key) > 5:
        key = key[5:]
    return key


@cache
def header_aliases() -> dict[str, tuple[str, str]]:
    """Normalised alias -> (code, kind) from data/files/header_aliases.csv."""
    table: dict[str, tuple[str, str]] = {}
    with open(FILES / "header_aliases.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kind = row["kind"]
            code = row["code"]
            if kind not in ("value", "rank", "label", "ignore"):
                raise RuntimeError(f"header alias {row['alias']!r}: unknown kind {kind!r}")
            if kind in ("value", "rank") and code not in ALL_INDICATORS:
                raise RuntimeError(f"header alias {row['alias']!r}: unknown code {code!r}")
            key = header_key(row["alias"])
            if table.get(key, (code, kind)) != (code, kind):
                raise RuntimeError(f"header alias {row['alias']!r} is ambiguous")
            table[key] = (code, kind)
    return table


def to_number(value: Any) -> tuple[str, float | None]:
    """Cell value -> ("num", v) | ("empty", None) | ("text", None).

    Numbers stored as text are accepted, with a decimal comma ("0,6383") or a dot; a
    thousands separator is not (DTI figures never need one)."""
    if value is None:
        return ("empty", None)
    if isinstance(value, bool):
        return ("text", None)
    if isinstance(value, int | float):
        f = float(value)
        return ("num", f) if math.isfinite(f) else ("text", None)
    if isinstance(value, str):
        t = value.strip().replace("\u00a0", "").replace(" ", "")
        if t.casefold() in _MISSING_TEXT:
            return ("empty", None)
        if _NUM_RE.match(t):
            return ("num", float(t.replace(",", ".")))
        return ("text", None)
    return ("text", None)


def is_number(value: Any) -> bool:
    return to_number(value)[0] == "num"


# --------------------------------------------------------------------------- provinces


@cache
def _province_keys() -> dict[str, dict[str, str]]:
    """unit_set -> {normalised name: code}; cached so table finding costs one dict look-up
    per cell instead of an exception per non-province string."""
    from data.provinces import _aliases  # the registry's own alias table

    out: dict[str, dict[str, str]] = {u: {} for u in UNIT_SETS}
    for (unit_set, key), code in _aliases().items():
        out[unit_set][key] = code
    return out


@lru_cache(maxsize=4096)
def norm(name: str) -> str:
    return normalise(name)


# Province names the alias table does not know, mapped by a user: {unit_set: {key: code}},
# set for the duration of one parse() call.
PROVINCE_MAP: ContextVar[dict[str, dict[str, str]] | None] = ContextVar(
    "province_map", default=None
)


def lookup_province(name: str, unit_set: str) -> str | None:
    user = (PROVINCE_MAP.get() or {}).get(unit_set, {}).get(norm(name))
    return user or _province_keys()[unit_set].get(norm(name))


def known_province(value: Any) -> bool:
    """A province name of either unit set."""
    return (
        isinstance(value, str)
        and bool(value.strip())
        and bool(lookup_province(value, "63") or lookup_province(value, "34"))
    )


# --------------------------------------------------------------------------- table


@dataclass
class Column:
    index: int
    header: str
    header_cell: str
    code: str
    kind: str  # value | rank


@dataclass
class Table:
    sheet: Sheet
    province_col: int
    header_rows: list[int]
    first_row: int
    columns: list[Column]
    title_text: str
    problems: list[Problem]


def fill_merged(sheet: Sheet, upto: int) -> list[list[Any]]:
    """Rows [0, upto) with merged ranges' top-left value copied over the whole range."""
    grid = [list(r) for r in sheet.rows[:upto]]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= upto:
            continue
        v = sheet.rows[r0][c0] if c0 < len(sheet.rows[r0]) else None
        for r in range(r0, min(r1, upto - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = v
    return grid


def _strip_words(key: str, words: Iterable[str]) -> tuple[str, bool]:
    for w in words:
        if key.startswith(w) and len(key) > len(w):
            return key[len(w) :], True
        if key.endswith(w) and len(key) > len(w):
            return key[: -len(w)], True
        if key == w:
            return "", True
    return key, False


def _alias_hit(
    key: str, aliases: Mapping[str, tuple[str, str]]
) -> tuple[tuple[str, str] | None, bool]:
    """One header text's alias (code, kind) and whether it carries a rank word."""
    hit = aliases.get(key)
    if hit is not None:
        return hit, hit[1] == "rank"
    rest, is_rank = _strip_words(key, _RANK_WORDS)
    if not is_rank:
        rest, _ = _strip_words(key, _VALUE_WORDS)
    hit = aliases.get(header_key(rest)) if rest else None
    if hit is not None and is_rank and hit[1] == "value":
        hit = (hit[0], "rank")
    return hit, is_rank or (hit is not None and hit[1] == "rank")


AMBIGUOUS = "?ambiguous"  # classify_header's code when a header names several indicators
_BRACKETS = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")
_SEPARATORS = re.compile(r"\s*[/;|&]\s*|\s+(?:và|and)\s+", re.IGNORECASE)


def _text_hit(
    text: str, aliases: Mapping[str, tuple[str, str]]
) -> tuple[tuple[str, str] | None, bool, list[str]]:
    """One header text -> (alias hit, rank word seen, candidate codes when ambiguous).

    Matched on normalised tokens: case, line breaks and spaces, a leading "Chỉ số", a
    trailing "cấp tỉnh" and a unit in brackets ("(điểm)", "(0-1)") do not matter; the
    text in brackets is an alias too ("(PDTI)"). When the text names two different
    indicators ("Chính quyền số (KTS)", "CQS / KTS") nothing is guessed."""
    hit, is_rank = _alias_hit(header_key(text), aliases)
    if hit is not None:
        return hit, is_rank, []
    outside = _BRACKETS.sub(" ", text).strip()
    inside = [m.strip() for m in _BRACKETS.findall(text) if m.strip()]
    parts = [p for p in _SEPARATORS.split(outside) if p.strip()] if outside else []
    found: dict[str, tuple[str, str]] = {}
    for piece in [outside, *(parts if len(parts) > 1 else []), *inside]:
        key = header_key(piece)
        for variant in (key, key.removesuffix("captinh"), key.removeprefix("dti")):
            h, r = _alias_hit(variant, aliases) if variant else (None, False)
            is_rank = is_rank or r
            if h is not None and h[1] in ("value", "rank"):
                found.setdefault(h[0], h)
                break
    if len(found) > 1:
        return None, is_rank, sorted(found)
    got = next(iter(found.values()), None)
    if got is not None and is_rank and got[1] == "value":
        got = (got[0], "rank")
    return got, is_rank, []


def classify_header(
    components: list[str], mapping: Mapping[str, tuple[str, str]]
) -> tuple[str, str] | None:
    """Header texts of one column (top to bottom) -> (code, kind) or None if unknown.

    kind is value | rank | label | ignore. A user mapping wins over the alias table; the
    bottom-most recognised text names the indicator; a rank word anywhere makes it a rank.
    A text naming two indicators gives (AMBIGUOUS, "code, code"): never a guess.
    """
    if not components:
        return None
    for text in [" ".join(components), *reversed(components)]:
        hit = mapping.get(header_key(text))
        if hit is not None:
            return hit
    aliases = header_aliases()
    code: tuple[str, str] | None = None
    rank = False
    for text in reversed(components):
        key = header_key(text)
        if key in _RANK_WORDS:  # a bare "Xếp hạng" under a group header
            rank = True
            continue
        hit, is_rank, candidates = _text_hit(text, aliases)
        if candidates and code is None:
            return (AMBIGUOUS, ", ".join(candidates))
        rank = rank or is_rank
        if hit is not None and code is None:
            code = hit
    if code is None:
        return (TOTAL, "rank") if rank and len(components) == 1 else None
    if code[1] == "value" and rank:
        return (code[0], "rank")
    return code


def _first_province_row(rows: list[list[Any]]) -> tuple[int, int]:
    """(row, col) of the first known province name (within 200 rows) next to a number."""
    for r in range(min(len(rows), 200)):
        row = rows[r]
        for c, v in enumerate(row):
            if known_province(v) and any(is_number(x) for j, x in enumerate(row) if j != c):
                return r, c
    return -1, -1


def _header_rows(
    sheet: Sheet, filled: list[list[Any]], start: int, pcol: int
) -> tuple[list[int], int]:
    """The header rows above the first province row, and the first data row."""
    header_rows: list[int] = []
    first = start
    r = start - 1
    while r >= 0 and len(header_rows) < 4:
        row = filled[r]
        texts = [text_of(v) for v in row if text_of(v)]
        if not texts:
            if header_rows:
                break
            r -= 1
            continue
        numbers = sum(1 for j, v in enumerate(row) if j != pcol and is_number(v))
        if numbers >= 2 and not header_rows:
            first = r  # a data row whose name is not known (reported later)
            r -= 1
            continue
        raw_cells = [v for v in sheet.rows[r] if text_of(v)]
        if header_rows and len(set(texts)) == 1 and len(raw_cells) == 1:
            break  # a title line (often merged across the table) above the header
        header_rows.insert(0, r)
        r -= 1
    return header_rows, first


def _column_has_numbers(rows: list[list[Any]], first: int, c: int) -> bool:
    return any(c < len(rows[r]) and is_number(rows[r][c]) for r in range(first, len(rows)))


def _columns(
    sheet: Sheet,
    filled: list[list[Any]],
    header_rows: list[int],
    first: int,
    pcol: int,
    mapping: Mapping[str, tuple[str, str]],
    rep: Reporter,
) -> list[Column]:
    """Classify every column under the header; unknown and duplicate ones are reported."""
    rows = sheet.rows
    n = len(rows)
    width = max((len(rows[rr]) for rr in range(first, n)), default=0)
    width = max([width, *(len(filled[h]) for h in header_rows)])
    hdr_row = header_rows[-1] if header_rows else max(first - 1, 0)
    columns: list[Column] = []
    seen: dict[tuple[str, str], str] = {}
    for c in range(width):
        if c == pcol:
            continue
        comps: list[str] = []
        for h in header_rows:
            t = text_of(filled[h][c]) if c < len(filled[h]) else ""
            if t and t not in comps:
                comps.append(t)
        hit = classify_header(comps, mapping)
        header = " / ".join(comps)
        hcell = cell_ref(hdr_row, c)
        if hit is not None and hit[0] == AMBIGUOUS:
            rep.error("HEADER_AMBIGUOUS", at=(hdr_row, c), column=header, candidates=hit[1])
            continue
        if hit is None or hit[1] == "label":
            has_data = any(c < len(rows[rr]) and text_of(rows[rr][c]) for rr in range(first, n))
            if hit is None and has_data and _column_has_numbers(rows, first, c):
                rep.error("UNMAPPED_HEADER", at=(hdr_row, c), column=header or "?")
            continue
        if hit[1] == "ignore":
            continue
        if hit in seen:
            rank = " (rank)" if hit[1] == "rank" else ""
            rep.error(
                "DUPLICATE_COLUMN",
                at=(hdr_row, c),
                column=header,
                indicator=hit[0] + rank,
                first=seen[hit],
            )
            continue
        seen[hit] = hcell
        columns.append(Column(c, header, hcell, hit[0], hit[1]))
    return columns


def find_table(
    sheet: Sheet, mapping: Mapping[str, tuple[str, str]], file_name: str
) -> Table | None:
    """The DTI table of a sheet, or None; its header problems are in ``Table.problems``."""
    rows = sheet.rows
    start, pcol = _first_province_row(rows)
    if start < 0:
        return None
    # Three more province names below make it a table, not a note mentioning a province.
    below = sum(
        1
        for r in range(start, min(len(rows), start + 10))
        if pcol < len(rows[r]) and known_province(rows[r][pcol])
    )
    if below < 3:
        return None
    filled = fill_merged(sheet, start)
    header_rows, first = _header_rows(sheet, filled, start, pcol)
    title_rows = range(0, header_rows[0] if header_rows else first)
    title_text = " ".join(text_of(v) for rr in title_rows for v in rows[rr] if text_of(v))
    rep = Reporter([], file_name, sheet.name)
    columns = _columns(sheet, filled, header_rows, first, pcol, mapping, rep)
    return Table(sheet, pcol, header_rows, first, columns, title_text, rep.problems)


def locate_table(
    sheets: list[Sheet], mapping: Mapping[str, tuple[str, str]], rep: Reporter
) -> Table:
    """The first non-empty sheet holding a DTI table; none stops the parse."""
    for s in sheets:
        if s.empty:
            continue
        table = find_table(s, mapping, rep.file)
        if table is not None:
            rep.problems.extend(table.problems)
            return table
    raise rep.fail("NO_TABLE")
