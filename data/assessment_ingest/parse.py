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

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data.assessment_ingest.layouts import _parse_per_unit, _parse_summary, _parse_unit_columns
from data.assessment_ingest.reuse import (
    FILE_LEVEL_CODES,
    IngestError,
    Limits,
    Problem,
    read_sheets,
)
from data.assessment_ingest.sheet import _STORED, _Block, _detect, _Frame, _Node
from data.assessment_ingest.units import lookup, suggest, unit_code, unit_key, unit_kind
from data.assessment_ingest.vocab import aproblem, fold_header, header_role, header_vocabulary

__all__ = [
    "AssessmentResult",
    "aproblem",
    "fold_header",
    "header_role",
    "header_vocabulary",
    "parse_assessment",
]
LAYOUTS = ("per_unit", "unit_columns", "summary")

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


# --------------------------------------------------------------------------- entry point


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
