"""A list file of units (a registry made by hand): one row per unit with its vi name and,
optionally, a code, an English name and a kind, under a header row in any order.

Example header: ``Mã | Tên đơn vị | Tên tiếng Anh | Loại``. A missing code becomes the
slug of the name; a missing or unknown kind is read from the name ("Sở …", "Xã …").
"""

from __future__ import annotations

import pandas as pd

from data.assessment_ingest.parse import aproblem, fold_header, header_vocabulary
from data.assessment_ingest.reuse import IngestError, Problem, cell_ref, read_sheets, text
from data.assessment_ingest.units import UNIT_KINDS, lookup, unit_code, unit_key, unit_kind

_CODE = {"ma", "madonvi", "code", "unitcode"}
_EN = {"tentienganh", "tentiengang", "englishname", "nameen", "tenen"}
_KIND = {"loai", "loaidonvi", "kind", "nhom"}


_KIND_WORDS = {
    "sobannganh": "so_ban_nganh",
    "so": "so_ban_nganh",
    "ban": "so_ban_nganh",
    "nganh": "so_ban_nganh",
    "huyen": "huyen",
    "xa": "xa",
    "phuong": "phuong",
    "dackhu": "dac_khu",
    "khac": "khac",
}


def _kind(value: str, name: str) -> str:
    """A kind code (so_ban_nganh …) or a vi word for it; otherwise read from the name."""
    key = fold_header(value)
    for k in UNIT_KINDS:
        if key == fold_header(k):
            return k
    return _KIND_WORDS.get(key) or unit_kind(name)


def parse_unit_list(
    data: bytes, file_name: str, known: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """(units: code, name_vi, name_en, kind; problems located by sheet and cell)."""
    problems: list[Problem] = []
    empty = pd.DataFrame(columns=["code", "name_vi", "name_en", "kind"])
    try:
        sheets = read_sheets(data, file_name)
    except IngestError as exc:
        return empty, [exc.problem]
    sheet = next(s for s in sheets if not s.empty)
    cols: dict[str, int] = {}
    header = None
    for r, row in enumerate(sheet.rows[:30]):
        found: dict[str, int] = {}
        for c, v in enumerate(row):
            key = fold_header(v)
            if key in _CODE:
                found.setdefault("code", c)
            elif key in _EN:
                found.setdefault("en", c)
            elif key in _KIND:
                found.setdefault("kind", c)
            elif header_vocabulary()[0].get(key) == "unit":  # exact: titles mention units too
                found.setdefault("name", c)
        if "name" in found:
            cols, header = found, r
            break
    if header is None:
        return empty, [aproblem("NO_TABLE", sheet=sheet.name, cell="A1", file=file_name)]
    taken = set(known["code"]) if known is not None else set()
    registered = lookup(known) if known is not None else {}
    seen: dict[str, str] = {}
    rows = []
    for r in range(header + 1, len(sheet.rows)):
        row = sheet.rows[r]
        name = text(row[cols["name"]]) if cols["name"] < len(row) else ""
        if not name:
            continue
        where = cell_ref(r, cols["name"])
        key = unit_key(name)
        if key in seen:
            problems.append(
                aproblem("DUPLICATE_UNIT", sheet=sheet.name, cell=where, unit=name, first=seen[key])
            )
            continue
        seen[key] = f"{sheet.name}!{where}"
        code = text(row[cols["code"]]) if "code" in cols and cols["code"] < len(row) else ""
        code = code or registered.get(key) or unit_code(name, taken)
        taken.add(code)
        en = text(row[cols["en"]]) if "en" in cols and cols["en"] < len(row) else ""
        kind = text(row[cols["kind"]]) if "kind" in cols and cols["kind"] < len(row) else ""
        rows.append(
            {"code": code, "name_vi": name, "name_en": en or None, "kind": _kind(kind, name)}
        )
    return pd.DataFrame(rows, columns=list(empty.columns)), problems
