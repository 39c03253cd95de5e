"""Criterion-level workbooks of the province's own assessments -> a framework tree, scores
per unit and kind, and every problem located by sheet and cell (vi and en).

Layouts (detected per sheet from the header vocabulary ``data/files/assessment_headers.csv``,
columns in any order, title rows above, merged cells filled, a "TỔNG ĐIỂM" total row):

- ``per_unit``: one sheet per unit, the unit in a title line ("Đơn vị: Sở Tài chính") or
  the sheet name; rows STT | Chỉ số | Điểm tối đa | Điểm tự đánh giá | Điểm thẩm định | Ghi chú.
- ``unit_columns``: one sheet, rows of criteria, one column per unit (or two under a merged
  unit header: Tự đánh giá | Thẩm định).
- ``summary``: units as rows, main indices as columns (maxima in the header, "(50 điểm)",
  or in a row "Điểm tối đa").

Nothing is written. The final score of a criterion is the appraised score where given,
else the self-assessed one; parents are the sums of their children.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from data.assessment_ingest.reuse import (
    FILE_LEVEL_CODES,
    IngestError,
    Limits,
    Problem,
    Sheet,
    cell_ref,
    filled,
    read_sheets,
    text,
    to_number,
)
from data.assessment_ingest.tree import TreeBuilder, number_text, split_leading_number
from data.assessment_ingest.units import lookup, suggest, unit_code, unit_key, unit_kind
from i18n import fmt_num, t

FILES = Path(__file__).resolve().parents[1] / "files"
TOL = 0.001  # points; scores are given to the quarter (or hundredth) of a point
LAYOUTS = ("per_unit", "unit_columns", "summary")
ROLES = ("stt", "label", "max", "self", "appraised", "notes", "unit", "total", "rank", "ignore")
_TITLE_UNIT = re.compile(
    r"^\s*(?:t[êe]n\s+)?(?:đơn vị|don vi|cơ quan|co quan|unit)\s*[:：]\s*(.+?)\s*$", re.I
)
_MAX_IN_HEADER = re.compile(
    r"[(\[]\s*(?:tối đa\s*)?(\d+(?:[.,]\d+)?)\s*(?:điểm|đ|points?)?\s*[)\]]"
)
_TOTAL_KEYS = ("tongdiem", "tongcong", "tongso", "tong", "total", "grandtotal")
_MAX_ROW_KEYS = ("diemtoida", "toida", "thangdiem", "diemchuan", "maxpoints", "maximum")


# --------------------------------------------------------------------------- problems


def _fmt(value: Any, lang: str) -> str:
    if isinstance(value, float):
        return fmt_num(value, lang, decimals=2)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, _Kind):
        return t(f"assess.kind.{value.kind}", lang)
    return str(value)


@dataclass(frozen=True)
class _Kind:
    """A score kind in a message, translated per language."""

    kind: str


def aproblem(
    code: str,
    /,
    *,
    sheet: str | None,
    cell: str | None,
    file: str = "",
    severity: str = "error",
    subject: str | None = None,
    row: int | None = None,
    **params: Any,
) -> Problem:
    """A located problem whose vi/en text is ``assess.err.<code>`` in i18n/strings.csv."""
    base = {"sheet": sheet or "", "cell": cell or "", "file": file}
    vi = t(f"assess.err.{code}", "vi", **base, **{k: _fmt(v, "vi") for k, v in params.items()})
    en = t(f"assess.err.{code}", "en", **base, **{k: _fmt(v, "en") for k, v in params.items()})
    return Problem(code, vi, en, severity, file, sheet, cell, row, None, subject)


# --------------------------------------------------------------------------- vocabulary


def fold_header(value: Any) -> str:
    return unit_key(text(value))


@cache
def header_vocabulary() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(exact key -> role, (key, role) for containment, longest first)."""
    exact: dict[str, str] = {}
    with open(FILES / "assessment_headers.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["role"] not in ROLES:
                raise RuntimeError(f"assessment header {row['alias']!r}: unknown role")
            exact[fold_header(row["alias"])] = row["role"]
    contained = tuple(
        sorted(((k, r) for k, r in exact.items() if len(k) >= 5), key=lambda x: -len(x[0]))
    )
    return exact, contained


def header_role(value: Any) -> str | None:
    key = fold_header(value)
    if not key:
        return None
    exact, contained = header_vocabulary()
    if key in exact:
        return exact[key]
    for k, role in contained:
        if k in key:
            return role
    return None


# --------------------------------------------------------------------------- result


@dataclass
class AssessmentResult:
    file_name: str
    sha256: str
    layout: str | None = None
    nodes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["code", "parent_code", "label_vi", "label_en", "max_points", "position"]
        )
    )
    values: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["unit_code", "node_code", "kind", "value"])
    )
    units: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["code", "name_vi", "name_en", "kind"])
    )  # the units of the file, resolved
    new_units: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["code", "name_vi", "name_en", "kind"])
    )  # units to register (only with register_units)
    sheets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

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
        return any(p.code in FILE_LEVEL_CODES for p in self.errors)

    def as_json(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "ok": self.ok,
            "layout": self.layout,
            "sheets": self.sheets,
            "units": [
                {"code": u.code, "name": u.name_vi, "kind": u.kind}
                for u in self.units.itertuples(index=False)
            ],
            "new_units": list(self.new_units["code"]),
            "n_criteria": int(len(self.nodes)),
            "n_values": int(len(self.values)),
            "errors": [p.as_json(lang) for p in self.errors],
            "warnings": [p.as_json(lang) for p in self.warnings],
        }


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


def _block_values(
    fr: _Frame,
    nodes: list[_Node],
    block: _Block,
    total_row: int | None,
    P: list[Problem],
) -> dict[str, dict[str, float]]:
    """kind -> node code -> points of one unit, with every check on its cells."""
    g = fr.sheet.rows
    sheet = block.sheet
    kids = _children(nodes)
    given: dict[str, dict[str, float]] = {k: {} for k in block.cols}
    cells: dict[tuple[str, str], str] = {}
    for n in nodes:
        for kind, c in block.cols.items():
            v = _number(g, n.row, c, kind, sheet, P)
            cell = cell_ref(n.row, c)
            cells[(kind, n.code)] = cell
            if v is None:
                continue
            _check_range(v, n.max, sheet, cell, n.row, n.code, block.name, P)
            given[kind][n.code] = v
    out: dict[str, dict[str, float]] = {"self": {}, "appraised": {}, "final": {}}

    def walk(code: str) -> None:
        ks = kids.get(code, [])
        for k in ks:
            walk(k)
        if not ks:
            s = given.get("self", {}).get(code)
            a = given.get("appraised", {}).get(code)
            f = given.get("final", {}).get(code)
            if s is not None:
                out["self"][code] = s
            if a is not None:
                out["appraised"][code] = a
            final = f if f is not None else (a if a is not None else s)
            if final is None:
                col = next(iter(block.cols.values()))
                n = next(x for x in nodes if x.code == code)
                P.append(
                    aproblem(
                        "NO_SCORE",
                        sheet=sheet,
                        cell=cell_ref(n.row, col),
                        row=n.row + 1,
                        code=code,
                        unit=block.name,
                    )
                )
            else:
                out["final"][code] = final
            return
        if all(k in out["self"] for k in ks):
            out["self"][code] = sum(out["self"][k] for k in ks)
        if any(k in out["appraised"] for k in ks) and all(k in out["final"] for k in ks):
            out["appraised"][code] = sum(out["final"][k] for k in ks)
        if all(k in out["final"] for k in ks):
            out["final"][code] = sum(out["final"][k] for k in ks)
        # A parent row's score, where the file gives one, must add up.
        for kind, ref in (("self", "self"), ("appraised", "final"), ("final", "final")):
            v = given.get(kind, {}).get(code)
            if v is None or not all(k in out[ref] for k in ks):
                continue
            s = sum(out[ref][k] for k in ks)
            if abs(v - s) > TOL:
                n = next(x for x in nodes if x.code == code)
                P.append(
                    aproblem(
                        "PARENT_SUM",
                        sheet=sheet,
                        cell=cells[(kind, code)],
                        row=n.row + 1,
                        code=code,
                        unit=block.name,
                        value=v,
                        sum=float(s),
                    )
                )

    for top in kids.get(None, []):
        walk(top)
    if total_row is not None:
        tops = kids.get(None, [])
        for kind, ref in (("self", "self"), ("appraised", "final"), ("final", "final")):
            c = block.cols.get(kind)
            if c is None:
                continue
            v = _number(g, total_row, c, kind, sheet, P)
            if v is None or not all(k in out[ref] for k in tops):
                continue
            s = sum(out[ref][k] for k in tops)
            if abs(v - s) > TOL:
                P.append(
                    aproblem(
                        "TOTAL_MISMATCH",
                        sheet=sheet,
                        cell=cell_ref(total_row, c),
                        row=total_row + 1,
                        unit=block.name,
                        value=v,
                        sum=float(s),
                    )
                )
    return out


def _title_unit(fr: _Frame) -> tuple[str, str] | None:
    """("Sở Tài chính", "A2") from a title line "Đơn vị: Sở Tài chính" above the header."""
    for r in range(fr.header_row):
        for c, v in enumerate(fr.sheet.rows[r]):
            m = _TITLE_UNIT.match(text(v))
            if m:
                return m.group(1).strip(), cell_ref(r, c)
    return None


def _nodes_frame(nodes: list[_Node]) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "code": [n.code for n in nodes],
            "parent_code": pd.Series([n.parent for n in nodes], dtype=object),
            "label_vi": [n.label for n in nodes],
            "max_points": [float(n.max) if n.max is not None else math.nan for n in nodes],
            "position": list(range(len(nodes))),
        }
    )
    df["label_en"] = pd.Series([None] * len(nodes), dtype=object)
    return df


# --------------------------------------------------------------------------- layouts


def _parse_per_unit(
    frames: list[_Frame], P: list[Problem]
) -> tuple[list[_Node], list[tuple[_Block, dict]]]:
    out: list[tuple[_Block, dict]] = []
    union: dict[str, _Node] = {}
    sheet_nodes: dict[str, list[_Node]] = {}
    first_max: dict[str, tuple[float, str, str]] = {}
    for fr in frames:
        sheet = fr.sheet.name
        nodes, total_row = _tree_rows(fr, P)
        sheet_nodes[sheet] = nodes
        total = None
        if total_row is not None:
            total = (
                _number(fr.sheet.rows, total_row, fr.roles["max"], "max", sheet, P),
                cell_ref(total_row, fr.roles["max"]),
            )
        _check_maxima(nodes, total, sheet, P)
        for n in nodes:
            union.setdefault(n.code, n)
            if n.max is None:
                continue
            if n.code in first_max and abs(first_max[n.code][0] - n.max) > TOL:
                m, s0, c0 = first_max[n.code]
                P.append(
                    aproblem(
                        "MAX_DIFFERS",
                        sheet=sheet,
                        cell=n.max_cell,
                        row=n.row + 1,
                        code=n.code,
                        value=float(n.max),
                        other=m,
                        first=f"{s0}!{c0}",
                    )
                )
            first_max.setdefault(n.code, (float(n.max), sheet, n.max_cell))
        titled = _title_unit(fr)
        name, name_cell = (
            titled
            if titled
            else (sheet, cell_ref(fr.header_row, fr.roles.get("stt", fr.roles["label"])))
        )
        cols = {k: fr.roles[k] for k in ("self", "appraised") if k in fr.roles}
        block = _Block(name, sheet, name_cell, cols)
        out.append((block, _block_values(fr, nodes, block, total_row, P)))
    # A criterion the other sheets have and this one does not.
    order = list(union)
    for fr in frames:
        sheet = fr.sheet.name
        have = {n.code for n in sheet_nodes[sheet]}
        owners = [s for s in sheet_nodes if s != sheet]
        for code in order:
            if code in have:
                continue
            others = [s for s in owners if code in {n.code for n in sheet_nodes[s]}]
            if not others:
                continue
            P.append(
                aproblem(
                    "MISSING_CRITERION",
                    sheet=sheet,
                    cell=cell_ref(fr.header_row, fr.roles.get("stt", fr.roles["label"])),
                    code=code,
                    label=union[code].label[:80],
                    others=others[:3],
                )
            )
    return [union[c] for c in order], out


def _parse_unit_columns(
    fr: _Frame, P: list[Problem]
) -> tuple[list[_Node], list[tuple[_Block, dict]]]:
    sheet = fr.sheet.name
    nodes, total_row = _tree_rows(fr, P)
    total = None
    if total_row is not None:
        total = (
            _number(fr.sheet.rows, total_row, fr.roles["max"], "max", sheet, P),
            cell_ref(total_row, fr.roles["max"]),
        )
    _check_maxima(nodes, total, sheet, P)
    blocks: dict[str, _Block] = {}
    order: list[str] = []
    for c in fr.other_cols:
        name = text(_cell(fr.grid, fr.header_row, c))
        sub = (
            header_role(_cell(fr.grid, fr.header_row + 1, c))
            if fr.first_row > fr.header_row + 1
            else None
        )
        kind = sub if sub in ("self", "appraised") else "final"
        if sub in ("notes", "ignore", "rank", "total"):
            continue
        # The merged unit header's first cell locates the unit.
        c0 = c
        while (
            c0 > 0
            and text(_cell(fr.grid, fr.header_row, c0 - 1)) == name
            and (c0 - 1) in fr.other_cols
        ):
            c0 -= 1
        key = f"{name}@{c0}"
        if key not in blocks:
            blocks[key] = _Block(name, sheet, cell_ref(fr.header_row, c0), {})
            order.append(key)
        blocks[key].cols.setdefault(kind, c)
    out = []
    for key in order:
        b = blocks[key]
        out.append((b, _block_values(fr, nodes, b, total_row, P)))
    return nodes, out


def _parse_summary(fr: _Frame, P: list[Problem]) -> tuple[list[_Node], list[tuple[_Block, dict]]]:
    sheet = fr.sheet.name
    g = fr.sheet.rows
    unit_c = fr.roles["unit"]
    total_c = fr.roles.get("total")
    idx_cols = [c for c in fr.other_cols]
    nodes: list[_Node] = []
    max_row = None
    for r in range(fr.first_row, min(len(g), fr.first_row + 3)):
        if (
            fold_header(_cell(g, r, unit_c)) in _MAX_ROW_KEYS
            or fold_header(_cell(g, r, fr.roles.get("stt", unit_c))) in _MAX_ROW_KEYS
        ):
            max_row = r
    for i, c in enumerate(idx_cols):
        head = text(_cell(fr.grid, fr.header_row, c))
        m = _MAX_IN_HEADER.search(head)
        label = _MAX_IN_HEADER.sub("", head).strip(" -:")
        mx: float | None = float(m.group(1).replace(",", ".")) if m else None
        max_cell = cell_ref(fr.header_row, c)
        if max_row is not None:
            v = _number(g, max_row, c, "max", sheet, P)
            if v is not None:
                mx, max_cell = v, cell_ref(max_row, c)
        code, stored_max = _STORED.get()[1].get(fold_header(label), (str(i + 1), None))
        if mx is None:
            mx = stored_max  # the assessment's stored main index of the same name
        if mx is None:
            P.append(aproblem("NO_MAX", sheet=sheet, cell=max_cell, code=label))
        nodes.append(_Node(code, None, label, mx, fr.header_row, max_cell, i))
    total_max = None
    if total_c is not None:
        head = text(_cell(fr.grid, fr.header_row, total_c))
        m = _MAX_IN_HEADER.search(head)
        if m:
            total_max = (float(m.group(1).replace(",", ".")), cell_ref(fr.header_row, total_c))
        if max_row is not None:
            v = _number(g, max_row, total_c, "max", sheet, P)
            if v is not None:
                total_max = (v, cell_ref(max_row, total_c))
    _check_maxima(nodes, total_max, sheet, P)
    out = []
    for r in range(fr.first_row, len(g)):
        if r == max_row:
            continue
        name = text(_cell(g, r, unit_c))
        if not name or _is_total(name):
            continue
        block = _Block(name, sheet, cell_ref(r, unit_c), {})
        vals: dict[str, dict[str, float]] = {"self": {}, "appraised": {}, "final": {}}
        for n, c in zip(nodes, idx_cols, strict=True):
            v = _number(g, r, c, "final", sheet, P)
            cell = cell_ref(r, c)
            if v is None:
                P.append(
                    aproblem("NO_SCORE", sheet=sheet, cell=cell, row=r + 1, code=n.label, unit=name)
                )
                continue
            _check_range(v, n.max, sheet, cell, r, n.label, name, P)
            vals["final"][n.code] = v
        if total_c is not None:
            v = _number(g, r, total_c, "final", sheet, P)
            if v is not None and len(vals["final"]) == len(nodes):
                s = sum(vals["final"].values())
                if abs(v - s) > TOL:
                    P.append(
                        aproblem(
                            "TOTAL_MISMATCH",
                            sheet=sheet,
                            cell=cell_ref(r, total_c),
                            row=r + 1,
                            unit=name,
                            value=v,
                            sum=float(s),
                        )
                    )
        out.append((block, vals))
    return nodes, out


# --------------------------------------------------------------------------- entry point


# The assessment's stored framework while a file is parsed: (code -> maximum, folded
# main-index label -> (code, maximum)); maxima a file leaves out are taken from it.
_STORED: ContextVar[tuple[dict[str, float], dict[str, tuple[str, float]]]] = ContextVar(
    "_STORED", default=({}, {})
)


def parse_assessment(
    data: bytes,
    file_name: str,
    *,
    registry: pd.DataFrame | None = None,
    register_units: bool = False,
    limits: Limits | None = None,
    framework: pd.DataFrame | None = None,
) -> AssessmentResult:
    """Read a criterion-level workbook. ``registry`` holds the assessment's known units
    (code, name_vi, name_en, kind; empty/None for a new assessment). Unknown units are
    errors with suggestions unless ``register_units``: then they are proposed as new units
    (``result.new_units``). ``framework`` (stored nodes of the assessment) supplies the
    maxima, and the main indices' codes, that a file leaves out. Writes nothing."""
    stored: tuple[dict[str, float], dict[str, tuple[str, float]]] = ({}, {})
    if framework is not None and len(framework):
        stored = (
            {str(c): float(m) for c, m in zip(framework["code"], framework["max_points"], strict=True)},
            {
                fold_header(lab): (str(c), float(m))
                for c, lab, m, par in zip(
                    framework["code"], framework["label_vi"], framework["max_points"],
                    framework["parent_code"], strict=True,
                )
                if par is None or (isinstance(par, float) and math.isnan(par))
            },
        )  # fmt: skip
    token = _STORED.set(stored)
    try:
        return _parse(data, file_name, registry, register_units, limits)
    finally:
        _STORED.reset(token)


def _parse(
    data: bytes,
    file_name: str,
    registry: pd.DataFrame | None,
    register_units: bool,
    limits: Limits | None,
) -> AssessmentResult:
    res = AssessmentResult(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    P = res.problems
    try:
        sheets = read_sheets(data, file_name, limits, P)
    except IngestError as exc:
        P.append(exc.problem)
        return res
    frames = []
    for s in sheets:
        if s.empty:
            continue
        fr = _detect(s)
        if fr is None:
            P.append(aproblem("SHEET_SKIPPED", severity="warning", sheet=s.name, cell="A1"))
        else:
            frames.append(fr)
    if not frames:
        P.append(aproblem("NO_TABLE", sheet=sheets[0].name, cell="A1", file=file_name))
        return res
    per_unit = [f for f in frames if f.layout == "per_unit"]
    if per_unit:
        res.layout = "per_unit"
        used = per_unit
        nodes, blocks = _parse_per_unit(per_unit, P)
    else:
        used = [frames[0]]
        res.layout = frames[0].layout
        parser: Callable[[_Frame, list[Problem]], tuple[list[_Node], list[tuple[_Block, dict]]]]
        parser = _parse_unit_columns if res.layout == "unit_columns" else _parse_summary
        nodes, blocks = parser(frames[0], P)
    for f in frames:
        if f not in used:
            P.append(aproblem("SHEET_SKIPPED", severity="warning", sheet=f.sheet.name, cell="A1"))
    res.sheets = [f.sheet.name for f in used]
    if not nodes:
        P.append(aproblem("NO_TABLE", sheet=res.sheets[0], cell="A1", file=file_name))
        return res
    _resolve_units(res, blocks, registry, register_units)
    res.nodes = _nodes_frame(nodes)
    return res


def _resolve_units(
    res: AssessmentResult,
    blocks: list[tuple[_Block, dict]],
    registry: pd.DataFrame | None,
    register: bool,
) -> None:
    P = res.problems
    reg = (
        registry
        if registry is not None
        else pd.DataFrame(columns=["code", "name_vi", "name_en", "kind"])
    )
    known = lookup(reg)
    taken = set(reg["code"])
    new: dict[str, dict] = {}  # key -> unit row
    first_at: dict[str, str] = {}
    rows: list[dict] = []
    units: dict[str, dict] = {}
    for block, vals in blocks:
        key = unit_key(block.name)
        where = f"{block.sheet}!{block.name_cell}"
        if key in first_at:
            P.append(
                aproblem(
                    "DUPLICATE_UNIT",
                    sheet=block.sheet,
                    cell=block.name_cell,
                    unit=block.name,
                    first=first_at[key],
                )
            )
            continue
        first_at[key] = where
        code = known.get(key)
        if code is None:
            if register:
                if key not in new:
                    code = unit_code(block.name, taken)
                    taken.add(code)
                    new[key] = {
                        "code": code,
                        "name_vi": block.name,
                        "name_en": None,
                        "kind": unit_kind(block.name),
                    }
                code = new[key]["code"]
            else:
                hints = suggest(block.name, reg)
                P.append(
                    aproblem(
                        "UNKNOWN_UNIT",
                        sheet=block.sheet,
                        cell=block.name_cell,
                        subject=block.name,
                        unit=block.name,
                        hint=hints or "–",
                    )
                )
                continue
        r = reg[reg["code"] == code]
        units[code] = r.iloc[0].to_dict() if len(r) else new[key]
        for kind, by_node in vals.items():
            for node, v in by_node.items():
                rows.append({"unit_code": code, "node_code": node, "kind": kind, "value": float(v)})
    res.values = pd.DataFrame(rows, columns=["unit_code", "node_code", "kind", "value"])
    res.units = pd.DataFrame(list(units.values()), columns=["code", "name_vi", "name_en", "kind"])
    res.new_units = pd.DataFrame(list(new.values()), columns=["code", "name_vi", "name_en", "kind"])
