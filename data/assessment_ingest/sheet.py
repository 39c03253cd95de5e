"""One sheet of a criterion workbook: header detection, criterion rows and the tree
from their numbering, and every check on a unit's scores (maxima adding up, range, text,
parent and total rows)."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from data.assessment_ingest.reuse import (
    Problem,
    Sheet,
    cell_ref,
    filled,
    text,
    to_number,
)
from data.assessment_ingest.tree import TreeBuilder, number_text, split_leading_number
from data.assessment_ingest.vocab import _Kind, aproblem, fold_header, header_role

TOL = 0.001  # points; scores are given to the quarter (or hundredth) of a point
_TITLE_UNIT = re.compile(
    r"^\s*(?:t[êe]n\s+)?(?:đơn vị|don vi|cơ quan|co quan|unit)\s*[:：]\s*(.+?)\s*$", re.I
)
_MAX_IN_HEADER = re.compile(
    r"[(\[]\s*(?:tối đa\s*)?(\d+(?:[.,]\d+)?)\s*(?:điểm|đ|points?)?\s*[)\]]"
)
_TOTAL_KEYS = ("tongdiem", "tongcong", "tongso", "tong", "total", "grandtotal")
_MAX_ROW_KEYS = ("diemtoida", "toida", "thangdiem", "diemchuan", "maxpoints", "maximum")

# The assessment's stored framework while a file is parsed: (code -> maximum, folded
# main-index label -> (code, maximum)); maxima a file leaves out are taken from it.
_STORED: ContextVar[tuple[dict[str, float], dict[str, tuple[str, float]]]] = ContextVar(
    "_STORED", default=({}, {})
)

# --------------------------------------------------------------------------- internals


@dataclass
class _Node:
    code: str
    parent: str | None
    label: str
    max: float | None
    row: int  # 0-based sheet row
    max_cell: str
    position: int


@dataclass
class _Block:
    """One unit's scores in a sheet: the unit name, where it was read, its score columns."""

    name: str
    sheet: str
    name_cell: str
    cols: dict[str, int]  # kind (self | appraised | final) -> column


@dataclass
class _Frame:
    sheet: Sheet
    grid: list[list[Any]]
    header_row: int
    first_row: int
    roles: dict[str, int]  # role -> first column with it
    other_cols: list[int]  # columns with a header text and no role
    layout: str


def _cell(grid: list[list[Any]], r: int, c: int) -> Any:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else None


def _detect(sheet: Sheet) -> _Frame | None:
    grid = filled(sheet, len(sheet.rows))
    for r in range(min(len(grid), 40)):
        roles: dict[str, int] = {}
        others: list[int] = []
        for c, v in enumerate(grid[r]):
            if not text(v):
                continue
            role = header_role(v)
            if role is None:
                others.append(c)
            elif role not in roles:
                roles[role] = c
        has_scores = "self" in roles or "appraised" in roles
        if "label" in roles and "max" in roles and has_scores:
            layout = "per_unit"
        elif "label" in roles and "max" in roles and others:
            layout = "unit_columns"
        elif "unit" in roles and "label" not in roles and others:
            layout = "summary"
        else:
            continue
        first = r + 1
        if layout == "unit_columns":
            # A second header row under merged unit names: Tự đánh giá | Thẩm định.
            sub = [header_role(_cell(grid, r + 1, c)) for c in others]
            if any(s in ("self", "appraised") for s in sub):
                first = r + 2
        return _Frame(sheet, grid, r, first, roles, others, layout)
    return None


def _number(
    grid: list[list[Any]], r: int, c: int | None, what: str, sheet: str, P: list[Problem]
) -> float | None:
    if c is None:
        return None
    raw = _cell(grid, r, c)
    kind, value = to_number(raw)
    if kind == "text":
        P.append(
            aproblem(
                "NOT_NUMBER",
                sheet=sheet,
                cell=cell_ref(r, c),
                row=r + 1,
                text=text(raw)[:60],
                what=_Kind(what),
            )
        )
        return None
    return value


def _is_total(*texts: str) -> bool:
    for s in texts:
        k = fold_header(s)
        if k and any(k == w or k.startswith(w) for w in _TOTAL_KEYS):
            return True
    return False


def _tree_rows(fr: _Frame, P: list[Problem]) -> tuple[list[_Node], int | None]:
    """The criterion rows of a tree sheet (code, parent, label, maximum) and the total row."""
    sheet = fr.sheet.name
    g = fr.sheet.rows  # data rows: raw values (merged cells are not copied down)
    stt_c = fr.roles.get("stt")
    label_c = fr.roles["label"]
    max_c = fr.roles["max"]
    builder = TreeBuilder()
    nodes: list[_Node] = []
    seen: dict[str, str] = {}
    total_row = None
    for r in range(fr.first_row, len(g)):
        stt = number_text(_cell(g, r, stt_c)) if stt_c is not None else ""
        label = text(_cell(g, r, label_c))
        if not stt and not label:
            continue
        if _is_total(stt, label):
            total_row = r
            continue
        token = stt
        if not token:
            token, rest = split_leading_number(label)
            label = rest if token else label
        got = builder.add(token) if token else None
        if got is None:
            if token or to_number(_cell(g, r, max_c))[0] == "num":
                where = cell_ref(r, stt_c if stt_c is not None else label_c)
                P.append(
                    aproblem(
                        "BAD_NUMBERING",
                        sheet=sheet,
                        cell=where,
                        row=r + 1,
                        text=token or label[:60],
                    )
                )
            continue  # a rule or note line under a criterion
        code, parent = got
        where = cell_ref(r, stt_c if stt_c is not None else label_c)
        if code in seen:
            P.append(
                aproblem(
                    "DUPLICATE_CODE",
                    sheet=sheet,
                    cell=where,
                    row=r + 1,
                    code=code,
                    first=seen[code],
                )
            )
            continue
        if parent is not None and parent not in seen:
            P.append(
                aproblem("ORPHAN", sheet=sheet, cell=where, row=r + 1, code=code, parent=parent)
            )
            continue
        seen[code] = where
        mx = _number(g, r, max_c, "max", sheet, P)
        max_cell = cell_ref(r, max_c)
        if mx is None and to_number(_cell(g, r, max_c))[0] == "empty":
            mx = _STORED.get()[0].get(code)  # the assessment's stored framework
        if mx is None and to_number(_cell(g, r, max_c))[0] == "empty":
            P.append(aproblem("NO_MAX", sheet=sheet, cell=max_cell, row=r + 1, code=code))
        elif mx is not None and mx < 0:
            P.append(
                aproblem(
                    "NEGATIVE", sheet=sheet, cell=max_cell, row=r + 1, code=code, unit="–", value=mx
                )
            )
        nodes.append(_Node(code, parent, label, mx, r, max_cell, len(nodes)))
    return nodes, total_row


def _children(nodes: list[_Node]) -> dict[str | None, list[str]]:
    kids: dict[str | None, list[str]] = {}
    for n in nodes:
        kids.setdefault(n.parent, []).append(n.code)
    return kids


def _check_maxima(
    nodes: list[_Node], total: tuple[float | None, str] | None, sheet: str, P: list[Problem]
) -> None:
    by = {n.code: n for n in nodes}
    kids = _children(nodes)
    for n in nodes:
        ks = kids.get(n.code)
        if not ks or n.max is None or any(by[k].max is None for k in ks):
            continue
        s = sum(by[k].max for k in ks)  # type: ignore[misc]
        if abs(s - n.max) > TOL:
            P.append(
                aproblem(
                    "MAX_SUM",
                    sheet=sheet,
                    cell=n.max_cell,
                    row=n.row + 1,
                    code=n.code,
                    value=float(n.max),
                    sum=float(s),
                    children=", ".join(ks),
                )
            )
    if total is not None and total[0] is not None:
        tops = kids.get(None, [])
        if tops and all(by[k].max is not None for k in tops):
            s = sum(by[k].max for k in tops)  # type: ignore[misc]
            if abs(s - total[0]) > TOL:
                P.append(
                    aproblem(
                        "TOTAL_MAX", sheet=sheet, cell=total[1], value=float(total[0]), sum=float(s)
                    )
                )


def _check_range(
    v: float,
    mx: float | None,
    sheet: str,
    cell: str,
    row: int,
    code: str,
    unit: str,
    P: list[Problem],
) -> None:
    """A score below zero or above its criterion's maximum."""
    where = {"sheet": sheet, "cell": cell, "row": row + 1, "code": code, "unit": unit}
    if v < 0:
        P.append(aproblem("NEGATIVE", **where, value=v))
    elif mx is not None and v > mx + TOL:
        P.append(aproblem("OVER_MAX", **where, value=v, max=float(mx)))


# (kind given in the file, the computed kind it must equal): a parent's or the total's
# appraised points are checked against its children's *final* points.
_SUMS = (("self", "self"), ("appraised", "final"), ("final", "final"))


@dataclass
class _Unit:
    """One unit's scores while they are checked and summed up the tree."""

    block: _Block
    by_code: dict[str, _Node]
    given: dict[str, dict[str, float]]  # kind -> code -> points as in the file
    cells: dict[tuple[str, str], str]  # (kind, code) -> cell
    out: dict[str, dict[str, float]]  # kind -> code -> points, parents summed

    def where(self, code: str, cell: str) -> dict[str, Any]:
        n = self.by_code[code]
        return {"sheet": self.block.sheet, "cell": cell, "row": n.row + 1, "unit": self.block.name}


def _read_block(fr: _Frame, nodes: list[_Node], block: _Block, P: list[Problem]) -> _Unit:
    """The unit's numbers as given, each checked for text, sign and maximum."""
    u = _Unit(block, {n.code: n for n in nodes}, {k: {} for k in block.cols}, {}, {})
    u.out = {"self": {}, "appraised": {}, "final": {}}
    for n in nodes:
        for kind, c in block.cols.items():
            v = _number(fr.sheet.rows, n.row, c, kind, block.sheet, P)
            cell = cell_ref(n.row, c)
            u.cells[(kind, n.code)] = cell
            if v is not None:
                _check_range(v, n.max, block.sheet, cell, n.row, n.code, block.name, P)
                u.given[kind][n.code] = v
    return u


def _leaf(u: _Unit, code: str, P: list[Problem]) -> None:
    """A criterion: final = the final column, else appraised, else self (else an error)."""
    got = {k: u.given.get(k, {}).get(code) for k in ("self", "appraised", "final")}
    for kind in ("self", "appraised"):
        if got[kind] is not None:
            u.out[kind][code] = got[kind]  # type: ignore[assignment]
    final = next((got[k] for k in ("final", "appraised", "self") if got[k] is not None), None)
    if final is None:
        cell = cell_ref(u.by_code[code].row, next(iter(u.block.cols.values())))
        P.append(aproblem("NO_SCORE", **u.where(code, cell), code=code))
    else:
        u.out["final"][code] = final


def _parent(u: _Unit, code: str, ks: list[str], P: list[Problem]) -> None:
    """A parent: the sums of its children; a score the file gives must equal them."""
    out = u.out
    if all(k in out["self"] for k in ks):
        out["self"][code] = sum(out["self"][k] for k in ks)
    if all(k in out["final"] for k in ks):
        out["final"][code] = sum(out["final"][k] for k in ks)
        if any(k in out["appraised"] for k in ks):
            out["appraised"][code] = out["final"][code]
    for kind, ref in _SUMS:
        v = u.given.get(kind, {}).get(code)
        if v is None or not all(k in out[ref] for k in ks):
            continue
        s = sum(out[ref][k] for k in ks)
        if abs(v - s) > TOL:
            where = u.where(code, u.cells[(kind, code)])
            P.append(aproblem("PARENT_SUM", **where, code=code, value=v, sum=float(s)))


def _check_total(fr: _Frame, u: _Unit, tops: list[str], total_row: int, P: list[Problem]) -> None:
    """The "TỔNG ĐIỂM" row against the main indices, per kind the file gives."""
    for kind, ref in _SUMS:
        c = u.block.cols.get(kind)
        if c is None:
            continue
        v = _number(fr.sheet.rows, total_row, c, kind, u.block.sheet, P)
        if v is None or not all(k in u.out[ref] for k in tops):
            continue
        s = sum(u.out[ref][k] for k in tops)
        if abs(v - s) > TOL:
            P.append(
                aproblem(
                    "TOTAL_MISMATCH", sheet=u.block.sheet, cell=cell_ref(total_row, c),
                    row=total_row + 1, unit=u.block.name, value=v, sum=float(s),
                )
            )  # fmt: skip


def _block_values(
    fr: _Frame,
    nodes: list[_Node],
    block: _Block,
    total_row: int | None,
    P: list[Problem],
) -> dict[str, dict[str, float]]:
    """kind -> node code -> points of one unit, with every check on its cells."""
    kids = _children(nodes)
    u = _read_block(fr, nodes, block, P)

    def walk(code: str) -> None:
        ks = kids.get(code, [])
        for k in ks:
            walk(k)
        if ks:
            _parent(u, code, ks, P)
        else:
            _leaf(u, code, P)

    for top in kids.get(None, []):
        walk(top)
    if total_row is not None:
        _check_total(fr, u, kids.get(None, []), total_row, P)
    return u.out


def _title_unit(fr: _Frame) -> tuple[str, str] | None:
    """("Sở Tài chính", "A2") from a title line "Đơn vị: Sở Tài chính" above the header."""
    for r in range(fr.header_row):
        for c, v in enumerate(fr.sheet.rows[r]):
            m = _TITLE_UNIT.match(text(v))
            if m:
                return m.group(1).strip(), cell_ref(r, c)
    return None
