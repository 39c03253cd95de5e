"""Spreadsheet/CSV bytes -> tidy DTI values + every problem, located (sheet, cell).

``parse(data, file_name)`` never writes anything. It accepts .xlsx/.xlsm (macros are never
run: the file is only read), .xls, .ods and .csv (UTF-8 with or without BOM; comma or
semicolon), in the layouts actually used: the dti.gov.vn "Xếp hạng chi tiết" table (rank,
province, the main indices, PDTI) and the 2020-style pillar tables (value and rank per
pillar under merged group headers), with title rows above, footer rows below, notes
sheets before the data sheet, columns in any order and rank columns present or absent.

Steps, each adding located problems rather than raising:

1. safety: size cap; magic bytes vs extension; encrypted (password) packages; zip
   archives whose members' uncompressed sizes exceed a cap (counted before parsing and
   again while streaming, since a header can lie); XML DTD/entity declarations
   (billion laughs, XXE) are refused outright, and defusedxml stays installed for openpyxl.
2. read: python-calamine for every workbook (fast, cached values only); openpyxl in
   read-only mode only when a worksheet holds formulas, to find formulas without a
   cached value (calamine reads them as empty).
3. table: the first sheet with a column of known province names; the header block is
   the text rows directly above it (merged cells filled in), matched through the alias
   table ``data/files/header_aliases.csv`` (alias, code, kind = value|rank|label|ignore)
   after the province-name normalisation (NFC/NFD, case, diacritics, punctuation) minus a
   leading "Chỉ số". Rank words ("Xếp hạng", "Rank") and value words ("Giá trị", "Điểm")
   in a header turn any indicator alias into its rank/value column. Headers the table
   does not know are resolved by a user mapping ``{"header text": "code"}`` (code may be
   ``<indicator>``, ``<indicator>:rank``, ``province`` or ``ignore``); mappings are
   saved as JSON in the folder named by ``DTI_CONFIG_DIR`` (default
   ``$XDG_CONFIG_HOME/dti-dashboard`` or ``~/.config/dti-dashboard``), file
   ``header_mappings.json``, after a successful import, and reused for later files.
4. values: numbers or numeric text (decimal comma allowed); scale 0–1, 0–100 or points
   of 1000 (each indicator's points) detected with certainty, else refused until a scale
   is given; edition year from the option, the title rows, the sheet name or the file
   name; unit set (63/34) from the provinces found.
5. checks: missing/extra/duplicate/unknown provinces, non-numeric and out-of-range
   values, totals and pillars against the recomputed ones (metrics.scoring, 0.0001),
   rank columns against competition ranks of the 4-decimal scores.

Every message is a (Vietnamese, English) pair saying what, where and how to fix it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from data.frameworks import (
    ALL_INDICATORS,
    TOTAL,
    Framework,
    edition_unit_sets,
    editions,
    framework,
)
from data.provinces import FILES, UNIT_SETS, UnknownProvinceError, normalise, resolve

SUPPORTED_EXTENSIONS = ("xlsx", "xlsm", "xls", "ods", "csv")
SCALES = ("1", "100", "1000")  # 0–1; 0–100; points of the 1000-point scale
TOLERANCE = 0.0001
# Codes that mean the file itself could not be read safely (CLI exit code 2).
FILE_LEVEL_CODES = frozenset({
    "FILE_NOT_FOUND", "FILE_TOO_LARGE", "ZIP_BOMB", "XML_ENTITY", "PASSWORD_PROTECTED",
    "WRONG_TYPE", "UNSUPPORTED_TYPE", "UNREADABLE", "CSV_ENCODING",
})  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """Caps applied before any parsing. Defaults suit a DTI workbook with headroom."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_members: int = 2000


# --------------------------------------------------------------------------- messages

_MESSAGES: dict[str, tuple[str, str]] = {
    "FILE_NOT_FOUND": (
        "Không tìm thấy tệp {file}. Hãy kiểm tra đường dẫn.",
        "File {file} not found. Check the path.",
    ),
    "FILE_TOO_LARGE": (
        "Tệp {file} có dung lượng {size} MB, vượt giới hạn {cap} MB. Hãy chỉ giữ lại bảng "
        "kết quả DTI và lưu thành tệp nhỏ hơn.",
        "File {file} is {size} MB, over the {cap} MB limit. Keep only the DTI results "
        "table and save a smaller file.",
    ),
    "ZIP_BOMB": (
        "Tệp {file} khi giải nén lớn hơn {cap} MB ({size} MB), có thể là tệp nén độc hại "
        "(zip bomb) nên bị từ chối. Hãy mở bằng Excel/LibreOffice, chỉ giữ bảng kết quả và "
        "lưu lại.",
        "File {file} expands to more than {cap} MB ({size} MB); it may be a malicious "
        "archive (zip bomb) and is refused. Open it in Excel/LibreOffice, keep only the "
        "results table and save it again.",
    ),
    "XML_ENTITY": (
        "Tệp {file} chứa khai báo DTD/thực thể XML trong {member}, dấu hiệu tấn công XML "
        "(billion laughs, XXE) nên bị từ chối. Hãy mở và lưu lại tệp bằng Excel/LibreOffice.",
        "File {file} declares an XML DTD/entity in {member}, a sign of an XML attack "
        "(billion laughs, XXE); refused. Open and save the file again in Excel/LibreOffice.",
    ),
    "PASSWORD_PROTECTED": (
        "Tệp {file} được bảo vệ bằng mật khẩu nên không đọc được. Hãy mở tệp, gỡ mật khẩu "
        "(Tệp > Thông tin > Bảo vệ sổ làm việc) rồi lưu lại.",
        "File {file} is password-protected and cannot be read. Open it, remove the "
        "password (File > Info > Protect Workbook) and save it again.",
    ),
    "WRONG_TYPE": (
        "Tệp {file} có đuôi .{ext} nhưng nội dung là {actual_vi}. Hãy lưu lại đúng định "
        "dạng (.xlsx, .xls, .ods hoặc .csv) hoặc đặt đúng đuôi tệp.",
        "File {file} is named .{ext} but its content is {actual_en}. Save it in a "
        "supported format (.xlsx, .xls, .ods or .csv) or give it the right extension.",
    ),
    "UNSUPPORTED_TYPE": (
        "Không hỗ trợ loại tệp .{ext} ({file}). Hãy dùng .xlsx, .xlsm, .xls, .ods hoặc .csv.",
        "File type .{ext} is not supported ({file}). Use .xlsx, .xlsm, .xls, .ods or .csv.",
    ),
    "UNREADABLE": (
        "Không đọc được tệp {file} ({detail}). Hãy mở bằng Excel/LibreOffice và lưu lại "
        "dạng .xlsx.",
        "Could not read file {file} ({detail}). Open it in Excel/LibreOffice and save it as .xlsx.",
    ),
    "CSV_ENCODING": (
        "Tệp CSV {file} không dùng bảng mã UTF-8. Hãy lưu lại với bảng mã UTF-8 (Excel: "
        '"CSV UTF-8").',
        'CSV file {file} is not UTF-8. Save it again as UTF-8 (Excel: "CSV UTF-8").',
    ),
    "EMPTY_SHEET": (
        'Trang tính "{sheet}" trống.',
        'Sheet "{sheet}" is empty.',
    ),
    "EMPTY_FILE": (
        "Tệp {file} không có dữ liệu (mọi trang tính đều trống). Hãy kiểm tra lại tệp.",
        "File {file} holds no data (every sheet is empty). Check the file.",
    ),
    "NO_TABLE": (
        "Không tìm thấy bảng kết quả DTI trong tệp {file}: không có cột nào chứa tên "
        "tỉnh/thành phố kèm số liệu. Hãy để tên tỉnh trong một cột và các chỉ số ở các cột "
        "bên cạnh (xem mẫu: python -m data template).",
        "No DTI results table found in {file}: no column holds province names next to "
        "numbers. Put the province names in one column and the indices beside them (see "
        "the template: python -m data template).",
    ),
    "FORMULA_NO_VALUE": (
        'Ô {cell} (trang "{sheet}") chứa công thức {formula} chưa được tính (không có giá '
        "trị lưu sẵn). Hãy mở và lưu tệp trong Excel/LibreOffice trước khi tải lên.",
        'Cell {cell} (sheet "{sheet}") holds the formula {formula} without a calculated '
        "value. Open and save the file in Excel/LibreOffice first.",
    ),
    "UNMAPPED_HEADER": (
        'Không nhận ra tiêu đề cột "{header}" (ô {cell}). Hãy đổi tên cột theo mẫu hoặc '
        'khai báo trong tệp ánh xạ --mapping, ví dụ {{"{header}": "dti"}}.',
        'Column header "{header}" (cell {cell}) is not recognised. Rename it as in the '
        'template or map it with --mapping, e.g. {{"{header}": "dti"}}.',
    ),
    "DUPLICATE_COLUMN": (
        'Cột "{header}" (ô {cell}) trùng chỉ số {indicator} với cột ở ô {first}. Hãy xoá '
        "một trong hai cột.",
        'Column "{header}" (cell {cell}) repeats indicator {indicator} of the column at '
        "{first}. Delete one of them.",
    ),
    "INDICATOR_NOT_IN_EDITION": (
        'Cột "{header}" (ô {cell}) là chỉ số {indicator}, không có trong khung chỉ số năm '
        "{year}. Hãy kiểm tra năm (--year) hoặc xoá cột này.",
        'Column "{header}" (cell {cell}) is indicator {indicator}, which the {year} '
        "framework does not have. Check the year (--year) or delete the column.",
    ),
    "NO_INDICATOR": (
        'Bảng ở trang "{sheet}" không có cột chỉ số nào được nhận ra. Hãy đặt tiêu đề cột '
        "theo mẫu hoặc dùng --mapping.",
        'The table on sheet "{sheet}" has no recognised indicator column. Name the '
        "columns as in the template or use --mapping.",
    ),
    "UNKNOWN_PROVINCE": (
        'Ô {cell}: không nhận ra tỉnh/thành phố "{name}"{hint_vi}. Hãy sửa tên theo danh '
        "mục đơn vị hành chính.",
        'Cell {cell}: province "{name}" is not known{hint_en}. Correct the name to an '
        "official one.",
    ),
    "EXTRA_PROVINCE": (
        'Ô {cell}: "{name}" không thuộc bộ {unit_set} tỉnh/thành phố. Hãy xoá dòng này hoặc '
        "dùng tệp của đúng bộ đơn vị.",
        'Cell {cell}: "{name}" is not in the {unit_set}-province set. Delete the row or '
        "use a file of the right unit set.",
    ),
    "DUPLICATE_PROVINCE": (
        'Ô {cell}: "{name}" xuất hiện lần thứ hai (lần đầu ở ô {first}). Hãy xoá dòng trùng.',
        'Cell {cell}: "{name}" appears a second time (first at {first}). Delete the duplicate row.',
    ),
    "MISSING_PROVINCE": (
        "Thiếu {n} tỉnh/thành phố của bộ {unit_set}: {names}. Hãy bổ sung các dòng này.",
        "{n} province(s) of the {unit_set}-province set are missing: {names}. Add these rows.",
    ),
    "NATIONAL_ROW": (
        'Dòng {row} ("{name}") là dòng tổng hợp/trung bình, đã bỏ qua.',
        'Row {row} ("{name}") is a national/average row and was skipped.',
    ),
    "NON_NUMERIC": (
        'Ô {cell} ({header}, {province}): "{text}" không phải là số. Hãy nhập số, ví dụ 0,6383.',
        'Cell {cell} ({header}, {province}): "{text}" is not a number. Enter a number, '
        "e.g. 0.6383.",
    ),
    "MISSING_VALUE": (
        "Ô {cell} ({header}, {province}) trống; giá trị được ghi là thiếu.",
        "Cell {cell} ({header}, {province}) is empty; the value is stored as missing.",
    ),
    "EMPTY_COLUMN": (
        'Cột "{header}" (ô {cell}) không có số liệu nên bị bỏ qua.',
        'Column "{header}" (cell {cell}) holds no data and was ignored.',
    ),
    "OUT_OF_RANGE": (
        "Ô {cell} ({header}, {province}): giá trị {value} nằm ngoài khoảng 0–{hi} của thang "
        "đo {scale_vi}. Hãy kiểm tra lại số liệu.",
        "Cell {cell} ({header}, {province}): value {value} is outside 0–{hi} on the "
        "{scale_en} scale. Check the figure.",
    ),
    "SCALE_AMBIGUOUS": (
        "Không xác định chắc chắn thang đo của số liệu (có thể là {options_vi}). Hãy chạy lại "
        "với --scale 1 (0–1), --scale 100 (0–100) hoặc --scale 1000 (điểm trên thang 1000).",
        "The scale of the figures is not certain (could be {options_en}). Run again with "
        "--scale 1 (0–1), --scale 100 (0–100) or --scale 1000 (points of 1000).",
    ),
    "YEAR_MISSING": (
        "Không xác định được năm đánh giá từ tiêu đề, tên trang tính hay tên tệp. Hãy chỉ "
        "định năm, ví dụ --year 2022.",
        "The edition year is not in the title, the sheet name or the file name. Give it, "
        "e.g. --year 2022.",
    ),
    "YEAR_UNKNOWN": (
        "Năm {year} chưa có khung chỉ số DTI (có: {known}). Hãy kiểm tra năm.",
        "There is no DTI framework for {year} (known: {known}). Check the year.",
    ),
    "YEAR_CONFLICT": (
        "Năm {year} (theo {source_vi}) khác năm {other} ghi ở {other_source_vi}; dùng năm {year}.",
        "Year {year} (from the {source_en}) differs from {other} in the {other_source_en}; "
        "using {year}.",
    ),
    "UNIT_SET_INVALID": (
        "DTI năm {year} không được công bố cho bộ {unit_set} tỉnh/thành phố. Hãy kiểm tra năm "
        "hoặc danh sách tỉnh.",
        "The {year} DTI was not published for the {unit_set}-province set. Check the year "
        "or the province list.",
    ),
    "TOTAL_MISMATCH": (
        "Ô {cell} ({header}, {province}): giá trị ghi {stored} nhưng tính lại từ các chỉ số "
        "thành phần được {recomputed} (chênh {diff}, cho phép 0,0001). Hãy kiểm tra các chỉ "
        "số của dòng này.",
        "Cell {cell} ({header}, {province}): the file says {stored} but the components give "
        "{recomputed} (difference {diff}, tolerance 0.0001). Check this row's indices.",
    ),
    "RANK_MISMATCH": (
        "Ô {cell} ({header}, {province}): thứ hạng ghi {rank} nhưng theo điểm {score} thì "
        "phải là {expected}. Hãy sửa cột xếp hạng hoặc xoá cột này.",
        "Cell {cell} ({header}, {province}): rank {rank} contradicts the score {score}, "
        "which ranks {expected}. Correct the rank column or delete it.",
    ),
    "RANK_NOT_INTEGER": (
        'Ô {cell} ({header}, {province}): thứ hạng "{text}" không phải số nguyên dương. '
        "Hãy sửa hoặc xoá cột xếp hạng.",
        'Cell {cell} ({header}, {province}): rank "{text}" is not a positive whole '
        "number. Correct or delete the rank column.",
    ),
    "SCHEMA": (
        "Dữ liệu không hợp lệ ở {where}: {check} (giá trị {value}).",
        "Invalid data at {where}: {check} (value {value}).",
    ),
}

_SCALE_NAMES = {
    "1": ("0–1", "0–1"),
    "100": ("0–100", "0–100"),
    "1000": ("điểm trên thang 1000", "points of 1000"),
}
_YEAR_SOURCES = {
    "option": ("tham số --year", "--year option"),
    "title": ("tiêu đề bảng", "table title"),
    "sheet": ("tên trang tính", "sheet name"),
    "file": ("tên tệp", "file name"),
}
_KINDS = {
    "csv": ("văn bản/CSV", "text/CSV"),
    "xlsx": ("sổ tính Excel .xlsx", "an Excel .xlsx workbook"),
    "ods": ("sổ tính OpenDocument .ods", "an OpenDocument .ods spreadsheet"),
    "xls": ("sổ tính Excel 97–2003 .xls", "an Excel 97–2003 .xls workbook"),
    "zip": ("tệp nén zip", "a zip archive"),
    "ole": ("tài liệu Office cũ (không phải sổ tính)", "a legacy Office document (not a workbook)"),
    "pdf": ("tài liệu PDF", "a PDF document"),
    "binary": ("dữ liệu nhị phân không rõ loại", "unknown binary data"),
}


def _fmt(value: Any, lang: str) -> str:
    """Numbers in messages: Vietnamese uses a decimal comma."""
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)
        return text.replace(".", ",") if lang == "vi" else text
    return str(value)


@dataclass(frozen=True)
class Problem:
    """One located problem. ``row`` is 1-based as in the spreadsheet; ``column`` is the
    header text of the column (or None for file- and province-level problems)."""

    code: str
    message_vi: str
    message_en: str
    severity: str = "error"  # error | warning
    file: str = ""
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    subject: str | None = None  # the offending text (e.g. an unknown province name)

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def as_json(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message(lang),
        }


def problem(
    code: str,
    *,
    severity: str = "error",
    file: str = "",
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    column: str | None = None,
    subject: str | None = None,
    **params: Any,
) -> Problem:
    vi, en = _MESSAGES[code]
    base = {"file": file, "sheet": sheet, "cell": cell, "row": row, "header": column}
    vi_params = {k: _fmt(v, "vi") for k, v in {**base, **params}.items()}
    en_params = {k: _fmt(v, "en") for k, v in {**base, **params}.items()}
    return Problem(
        code,
        vi.format(**vi_params),
        en.format(**en_params),
        severity,
        file,
        sheet,
        cell,
        row,
        column,
        subject,
    )


class IngestError(Exception):
    """Raised internally to stop at a file-level problem; parse() turns it into a result."""

    def __init__(self, prob: Problem):
        self.problem = prob
        super().__init__(prob.message_en)


# --------------------------------------------------------------------------- result


VALUE_COLUMNS = ["edition", "unit_set", "province_code", "indicator", "value", "source"]


@dataclass
class IngestResult:
    file_name: str
    sha256: str
    edition: int | None = None
    unit_set: str | None = None
    scale: str | None = None
    sheet: str | None = None
    rows: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[*VALUE_COLUMNS, "province"])
    )
    problems: list[Problem] = field(default_factory=list)
    # (province_code, indicator) -> (cell, 1-based row, header) for locating later checks
    locations: dict[tuple[str, str], tuple[str, int, str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # header text -> mapped code

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
        """True when the file itself was refused (unreadable, unsafe, wrong type)."""
        return any(p.code in FILE_LEVEL_CODES for p in self.errors)

    @property
    def values(self) -> pd.DataFrame:
        """The store shape (edition, unit_set, province_code, indicator, value, source)."""
        return self.rows[VALUE_COLUMNS].reset_index(drop=True)

    def as_json(self, lang: str = "vi") -> dict[str, Any]:
        rows = [
            {
                "province": r.province,
                "province_code": r.province_code,
                "indicator": r.indicator,
                "value": None if pd.isna(r.value) else round(float(r.value), 10),
            }
            for r in self.rows.itertuples(index=False)
        ]
        return {
            "ok": self.ok,
            "year": self.edition,
            "unit_set": self.unit_set,
            "rows": rows,
            "errors": [p.as_json(lang) for p in self.errors],
            "warnings": [p.as_json(lang) for p in self.warnings],
        }


# --------------------------------------------------------------------------- helpers


def col_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 27 -> AB)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) -> "E12"."""
    return f"{col_letter(col)}{row + 1}"


def header_key(text: Any) -> str:
    """Fold a header to its comparison key: the province-name normalisation, then a
    leading "Chỉ số" dropped ("Chỉ số Nhận thức số" == "NHAN THUC SO")."""
    key = normalise(str(text))
    if key.startswith("chiso") and len(key) > 5:
        key = key[5:]
    return key


_RANK_WORDS = ("xephang", "thuhang", "ranking", "rank", "hang")
_VALUE_WORDS = ("giatri", "diemso", "diem", "score", "value", "ketqua")
_SKIP_ROW_KEYS = (
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


def parse_mapping_target(target: str) -> tuple[str, str]:
    """A mapping value -> (code, kind). "dti" -> value; "dti:rank"; "province"; "ignore"."""
    t = str(target).strip()
    if t == "province":
        return ("province", "label")
    if t == "ignore":
        return ("", "ignore")
    code, _, kind = t.partition(":")
    kind = kind or "value"
    if code not in ALL_INDICATORS or kind not in ("value", "rank"):
        raise ValueError(
            f"mapping target {target!r} must be one of {', '.join(ALL_INDICATORS)} "
            "(optionally ':rank'), 'province' or 'ignore'"
        )
    return (code, kind)


def normalise_mapping(mapping: Mapping[str, str] | None) -> dict[str, tuple[str, str]]:
    """User mapping {"header": "code"} -> {header_key: (code, kind)}; ValueError if bad."""
    return {header_key(k): parse_mapping_target(v) for k, v in (mapping or {}).items()}


def config_dir() -> Path:
    env = os.environ.get("DTI_CONFIG_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dti-dashboard"


def mappings_path() -> Path:
    return config_dir() / "header_mappings.json"


def load_saved_mappings(path: Path | None = None) -> dict[str, str]:
    p = path or mappings_path()
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_mappings(mapping: Mapping[str, str], path: Path | None = None) -> Path:
    """Merge ``mapping`` into the saved mappings (validated first) and write them."""
    normalise_mapping(mapping)
    p = path or mappings_path()
    merged = {**load_saved_mappings(p), **dict(mapping)}
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
    )
    tmp.replace(p)
    return p


_NUM_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_MISSING_TEXT = {"", "-", "–", "—", "x", "n/a", "na", "null", "none", "..."}


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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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
def _norm(name: str) -> str:
    return normalise(name)


# Province names the alias table does not know, mapped by a user: {unit_set: {key: code}},
# set for the duration of one parse() call.
_PROVINCE_MAP: ContextVar[dict[str, dict[str, str]] | None] = ContextVar(
    "province_map", default=None
)


def _lookup_province(name: str, unit_set: str) -> str | None:
    user = (_PROVINCE_MAP.get() or {}).get(unit_set, {}).get(_norm(name))
    return user or _province_keys()[unit_set].get(_norm(name))


def province_mappings_path() -> Path:
    return config_dir() / "province_mappings.json"


def normalise_province_mapping(
    mapping: Mapping[str, Mapping[str, str]] | None,
) -> dict[str, dict[str, str]]:
    """{unit_set: {"name as written": "code"}} -> {unit_set: {name_key: code}}; a code
    that is not a unit of its set raises ValueError."""
    out: dict[str, dict[str, str]] = {}
    for unit_set, names in (mapping or {}).items():
        if unit_set not in UNIT_SETS:
            raise ValueError(f"unit set must be one of {UNIT_SETS}, got {unit_set!r}")
        codes = set(_names(unit_set))
        for name, code in names.items():
            if str(code) not in codes:
                raise ValueError(f"{code!r} is not a province code of the {unit_set} set")
            out.setdefault(unit_set, {})[_norm(str(name))] = str(code)
    return out


def load_saved_province_mappings(path: Path | None = None) -> dict[str, dict[str, str]]:
    p = path or province_mappings_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
        normalise_province_mapping(data)
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(u): {str(k): str(v) for k, v in m.items()} for u, m in data.items()}


def save_province_mappings(
    mapping: Mapping[str, Mapping[str, str]], path: Path | None = None
) -> Path:
    """Merge ``mapping`` ({unit_set: {name: code}}) into the saved ones and write them."""
    normalise_province_mapping(mapping)
    p = path or province_mappings_path()
    merged = load_saved_province_mappings(p)
    for unit_set, names in mapping.items():
        merged.setdefault(unit_set, {}).update({str(k): str(v) for k, v in names.items()})
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
    )
    tmp.replace(p)
    return p


@cache
def _names(unit_set: str) -> dict[str, str]:
    from data.provinces import provinces

    return {p.code: p.name for p in provinces(unit_set)}


def name_of(code: str, unit_set: str = "63") -> str:
    """Official name of a code (cached; data.provinces.name_of rebuilds a dict per call)."""
    return _names(unit_set)[code]


# --------------------------------------------------------------------------- reading


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # absolute grid from A1; "" or None for empty cells
    merged: list[tuple[int, int, int, int]]  # r0, c0, r1, c1 (0-based, inclusive)
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(_text(v) for row in self.rows for v in row)


def _sniff(data: bytes) -> str:
    """What the bytes are, whatever the name says."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "mimetype" in names:
                    mt = zf.read("mimetype")[:100]
                    if mt.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                        return "ods"
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            return "binary"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return "ole"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = data[:8192]
    if b"\x00" in head:
        return "binary"
    return "csv"


_EXPECTED_KIND = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls", "ods": "ods", "csv": "csv"}


def _check_zip(data: bytes, file_name: str, limits: Limits) -> set[str]:
    """Refuse zip bombs and XML DTDs; return the worksheet members that hold formulas."""
    try:
        return _scan_zip(data, file_name, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise IngestError(
            problem("UNREADABLE", file=file_name, detail=f"{type(exc).__name__}: {exc}"[:200])
        ) from None


def _scan_zip(data: bytes, file_name: str, limits: Limits) -> set[str]:
    mb = 1024 * 1024
    cap_mb = round(limits.max_unzipped_bytes / mb, 1)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unzipped_bytes or len(infos) > limits.max_zip_members:
            raise IngestError(
                problem("ZIP_BOMB", file=file_name, cap=cap_mb, size=round(declared / mb, 1))
            )
        with_formulas: set[str] = set()
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            tail = b""
            # Stream with a running count: the declared sizes can lie.
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 16):
                    total += len(chunk)
                    if total > limits.max_unzipped_bytes:
                        raise IngestError(
                            problem("ZIP_BOMB", file=file_name, cap=cap_mb, size=f"> {cap_mb}")
                        )
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise IngestError(
                            problem("XML_ENTITY", file=file_name, member=info.filename)
                        )
                    if b"<f>" in window or b"<f " in window:
                        with_formulas.add(info.filename)
                    tail = chunk[-16:]
    return with_formulas


def _read_calamine(data: bytes, file_name: str) -> list[Sheet]:
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
        raise IngestError(problem("PASSWORD_PROTECTED", file=file_name)) from None
    except Exception as exc:  # calamine raises several error types for damaged files
        raise IngestError(
            problem("UNREADABLE", file=file_name, detail=f"{type(exc).__name__}: {exc}"[:200])
        ) from None


def _read_csv(data: bytes, file_name: str) -> list[Sheet]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(problem("CSV_ENCODING", file=file_name)) from None
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
    return [Sheet(file_name, rows, [])]


def _formula_cells(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
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


def _filled(sheet: Sheet, upto: int) -> list[list[Any]]:
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


def classify_header(
    components: list[str], mapping: Mapping[str, tuple[str, str]]
) -> tuple[str, str] | None:
    """Header texts of one column (top to bottom) -> (code, kind) or None if unknown.

    kind is value | rank | label | ignore. A user mapping wins over the alias table; the
    bottom-most recognised text names the indicator; a rank word anywhere makes it a rank.
    """
    if not components:
        return None
    candidates = [" ".join(components), *reversed(components)]
    for text in candidates:
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
        hit = aliases.get(key)
        if hit is None:
            rest, is_rank = _strip_words(key, _RANK_WORDS)
            if not is_rank:
                rest, _ = _strip_words(key, _VALUE_WORDS)
            rank = rank or is_rank
            hit = aliases.get(header_key(rest)) if rest else None
            if hit is not None and is_rank and hit[1] == "value":
                hit = (hit[0], "rank")
            if hit is None:
                continue
        if hit[1] == "rank":
            rank = True
        if code is None:
            code = hit
    if code is None:
        if rank and len(components) == 1:
            return (TOTAL, "rank")
        return None
    if code[1] == "value" and rank:
        return (code[0], "rank")
    return code


def _find_table(
    sheet: Sheet, mapping: Mapping[str, tuple[str, str]], file_name: str
) -> Table | None:
    rows = sheet.rows
    n = len(rows)
    # The first row (within 200) with a known province name next to a number.
    start = pcol = -1
    for r in range(min(n, 200)):
        row = rows[r]
        for c, v in enumerate(row):
            if (
                isinstance(v, str)
                and v.strip()
                and (_lookup_province(v, "63") or _lookup_province(v, "34"))
            ):
                others = [to_number(x)[0] == "num" for j, x in enumerate(row) if j != c]
                if any(others):
                    start, pcol = r, c
                    break
        if start >= 0:
            break
    if start < 0:
        return None
    # Three more province names below make it a table, not a note mentioning a province.
    names_below = sum(
        1
        for r in range(start, min(n, start + 10))
        if pcol < len(rows[r])
        and isinstance(rows[r][pcol], str)
        and (_lookup_province(rows[r][pcol], "63") or _lookup_province(rows[r][pcol], "34"))
    )
    if names_below < 3:
        return None
    filled = _filled(sheet, start)
    header_rows: list[int] = []
    first = start
    r = start - 1
    while r >= 0 and len(header_rows) < 4:
        row = filled[r]
        texts = [_text(v) for v in row if _text(v)]
        if not texts:
            if header_rows:
                break
            r -= 1
            continue
        numbers = sum(1 for j, v in enumerate(row) if j != pcol and to_number(v)[0] == "num")
        if numbers >= 2 and not header_rows:
            first = r  # a data row whose name is not known (reported later)
            r -= 1
            continue
        raw_cells = [v for v in sheet.rows[r] if _text(v)]
        if header_rows and len(set(texts)) == 1 and len(raw_cells) == 1:
            break  # a title line (often merged across the table) above the header
        header_rows.insert(0, r)
        r -= 1
    title_rows = range(0, header_rows[0] if header_rows else first)
    title_text = " ".join(_text(v) for rr in title_rows for v in rows[rr] if _text(v))
    width = max((len(rows[rr]) for rr in range(first, n)), default=0)
    width = max([width, *(len(filled[h]) for h in header_rows)])
    problems: list[Problem] = []
    columns: list[Column] = []
    seen: dict[tuple[str, str], str] = {}
    for c in range(width):
        if c == pcol:
            continue
        comps: list[str] = []
        for h in header_rows:
            t = _text(filled[h][c]) if c < len(filled[h]) else ""
            if t and t not in comps:
                comps.append(t)
        has_data = any(c < len(rows[rr]) and _text(rows[rr][c]) for rr in range(first, n))
        hit = classify_header(comps, mapping)
        hdr_row = header_rows[-1] if header_rows else max(first - 1, 0)
        header = " / ".join(comps)
        hcell = cell_ref(hdr_row, c)
        if hit is None or hit[1] == "label":
            if hit is None and has_data and _column_has_numbers(rows, first, c):
                problems.append(
                    problem(
                        "UNMAPPED_HEADER",
                        file=file_name,
                        sheet=sheet.name,
                        cell=hcell,
                        row=hdr_row + 1,
                        column=header or "?",
                    )
                )
            continue
        if hit[1] == "ignore":
            continue
        key = (hit[0], hit[1])
        if key in seen:
            problems.append(
                problem(
                    "DUPLICATE_COLUMN",
                    file=file_name,
                    sheet=sheet.name,
                    cell=hcell,
                    row=hdr_row + 1,
                    column=header,
                    indicator=hit[0] + (" (rank)" if hit[1] == "rank" else ""),
                    first=seen[key],
                )
            )
            continue
        seen[key] = hcell
        columns.append(Column(c, header, hcell, hit[0], hit[1]))
    return Table(sheet, pcol, header_rows, first, columns, title_text, problems)


def _column_has_numbers(rows: list[list[Any]], first: int, c: int) -> bool:
    return any(
        c < len(rows[r]) and to_number(rows[r][c])[0] == "num" for r in range(first, len(rows))
    )


# --------------------------------------------------------------------------- parse


_YEAR_RE = re.compile(r"(?<!\d)(20[1-3]\d)(?!\d)")


def _year_from(text: str) -> int | None:
    found = [int(y) for y in _YEAR_RE.findall(text)]
    known = [y for y in found if y in editions()]
    return (known or found or [None])[0]


def _divisor(fw: Framework, code: str, scale: str) -> float:
    if scale == "1":
        return 1.0
    if scale == "100":
        return 100.0
    if code in fw.points:
        return fw.points[code]
    return sum(fw.weights(code).values())


def _choose_scale(
    fw: Framework, raw: list[tuple[str, float]], given: str | None, totals_ok: Any
) -> tuple[str | None, list[str]]:
    """Pick the scale: (scale, candidates). ``raw`` is (indicator, value) of every number.

    Certain means: the bulk of values sits in one range, and where 0–100 and points would
    differ, only one of them fits every value (or only one reproduces the totals)."""
    if given:
        return given, [given]
    vals = [v for _, v in raw]
    if not vals:
        return "1", ["1"]
    small = sum(1 for v in vals if abs(v) <= 1.0) / len(vals)
    if small >= 0.9:
        return "1", ["1"]
    if small > 0.1:
        return None, ["1", "100", "1000"]

    def fits(scale: str) -> bool:
        return all(0 <= v / _divisor(fw, c, scale) <= 1 + 1e-9 for c, v in raw)

    differ = any(_divisor(fw, c, "100") != _divisor(fw, c, "1000") for c, _ in raw)
    if not differ:
        return "100", ["100"]
    cands = [s for s in ("100", "1000") if fits(s)]
    if len(cands) == 1:
        return cands[0], cands
    if len(cands) == 2:
        agree = [s for s in cands if totals_ok(s)]
        if len(agree) == 1:
            return agree[0], cands
        return None, cands
    # Neither fits every value: out-of-range cells; take the one that fits more.
    score = {s: sum(1 for c, v in raw if 0 <= v / _divisor(fw, c, s) <= 1) for s in ("100", "1000")}
    if score["100"] != score["1000"]:
        best = max(score, key=lambda s: score[s])
        return best, [best]
    return None, ["100", "1000"]


def parse(
    data: bytes,
    file_name: str,
    *,
    year: int | None = None,
    unit_set: str | None = None,
    scale: str | None = None,
    mapping: Mapping[str, str] | None = None,
    use_saved_mappings: bool = True,
    limits: Limits | None = None,
    province_mapping: Mapping[str, Mapping[str, str]] | None = None,
) -> IngestResult:
    """Read a DTI spreadsheet or CSV: tidy rows plus every located problem.

    Writes nothing. ``scale`` is "1", "100" or "1000" (points); None = detect. ``mapping``
    maps header texts the alias table does not know to codes (see module docs);
    ``province_mapping`` ({unit_set: {"name": "code"}}) does the same for province names.
    Saved mappings of both kinds are used too unless ``use_saved_mappings`` is False.
    Example: parse(Path("dti_2022.xlsx").read_bytes(), "dti_2022.xlsx").ok
    """
    import hashlib

    limits = limits or Limits()
    result = IngestResult(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    provinces_map = normalise_province_mapping(
        load_saved_province_mappings() if use_saved_mappings else {}
    )
    for u, m in normalise_province_mapping(province_mapping).items():
        provinces_map.setdefault(u, {}).update(m)
    token = _PROVINCE_MAP.set(provinces_map)
    try:
        _parse_into(
            result, data, file_name, year, unit_set, scale, mapping, use_saved_mappings, limits
        )
    except IngestError as exc:
        result.problems.append(exc.problem)
        result.rows = result.rows.iloc[0:0]
    finally:
        _PROVINCE_MAP.reset(token)
    return result


def _parse_into(
    result: IngestResult,
    data: bytes,
    file_name: str,
    year: int | None,
    unit_set: str | None,
    scale: str | None,
    mapping: Mapping[str, str] | None,
    use_saved: bool,
    limits: Limits,
) -> None:
    P = result.problems
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
    formula_members: set[str] = set()
    if kind in ("xlsx", "ods"):
        formula_members = _check_zip(data, file_name, limits)
    sheets = _read_csv(data, file_name) if kind == "csv" else _read_calamine(data, file_name)

    if not sheets or all(s.empty for s in sheets):
        raise IngestError(
            problem("EMPTY_FILE", file=file_name, sheet=sheets[0].name if sheets else None)
        )
    for s in sheets:
        if s.empty:
            P.append(problem("EMPTY_SHEET", severity="warning", file=file_name, sheet=s.name))

    try:
        user_map = normalise_mapping(load_saved_mappings() if use_saved else {})
    except ValueError:
        user_map = {}  # a broken saved file must not block imports; explicit mappings do
    user_map.update(normalise_mapping(mapping))

    table = None
    for s in sheets:
        if s.empty:
            continue
        table = _find_table(s, user_map, file_name)
        if table is not None:
            break
    if table is None:
        raise IngestError(problem("NO_TABLE", file=file_name))
    sheet = table.sheet
    result.sheet = sheet.name
    P.extend(table.problems)
    result.headers = {
        c.header: c.code + (":rank" if c.kind == "rank" else "") for c in table.columns
    }

    # Formulas without a cached value (openpyxl only when the sheet XML holds formulas).
    formula_empty: set[tuple[int, int]] = set()
    if kind == "xlsx" and formula_members:
        for (r, c), text in _formula_cells(data, sheet.name).items():
            v = sheet.rows[r][c] if r < len(sheet.rows) and c < len(sheet.rows[r]) else ""
            if v is None or v == "":
                formula_empty.add((r, c))
                P.append(
                    problem(
                        "FORMULA_NO_VALUE",
                        file=file_name,
                        sheet=sheet.name,
                        cell=cell_ref(r, c),
                        row=r + 1,
                        formula=text,
                    )
                )

    # Edition year: option > title > sheet name > file name.
    found = [
        ("title", _year_from(table.title_text)),
        ("sheet", _year_from(sheet.name)),
        ("file", _year_from(Path(file_name).stem)),
    ]
    found = [(src, y) for src, y in found if y is not None]
    if year is not None:
        edition, source = int(year), "option"
    elif found:
        source, edition = found[0]
    else:
        P.append(problem("YEAR_MISSING", file=file_name, sheet=sheet.name))
        edition, source = None, ""
    if edition is not None:
        for src, y in found:
            if y != edition and src != source:
                P.append(
                    problem(
                        "YEAR_CONFLICT",
                        severity="warning",
                        file=file_name,
                        sheet=sheet.name,
                        year=edition,
                        other=y,
                        source_vi=_YEAR_SOURCES[source][0],
                        source_en=_YEAR_SOURCES[source][1],
                        other_source_vi=_YEAR_SOURCES[src][0],
                        other_source_en=_YEAR_SOURCES[src][1],
                    )
                )
                break
        if edition not in editions():
            P.append(
                problem(
                    "YEAR_UNKNOWN",
                    file=file_name,
                    sheet=sheet.name,
                    year=edition,
                    known=", ".join(map(str, editions())),
                )
            )
            edition = None
    result.edition = edition

    value_cols = [c for c in table.columns if c.kind == "value"]
    if not value_cols:
        P.append(problem("NO_INDICATOR", file=file_name, sheet=sheet.name))
        return
    fw = framework(edition) if edition is not None else None
    if fw is not None:
        for col in list(table.columns):
            if col.code not in fw.codes:
                P.append(
                    problem(
                        "INDICATOR_NOT_IN_EDITION",
                        file=file_name,
                        sheet=sheet.name,
                        cell=col.header_cell,
                        column=col.header,
                        indicator=col.code,
                        year=edition,
                    )
                )
                table.columns.remove(col)
        value_cols = [c for c in table.columns if c.kind == "value"]

    # Data rows: below the header until the end; blank, footer and national rows skipped.
    rows = sheet.rows
    entries: list[tuple[int, str]] = []  # (row index, name)
    for r in range(table.first_row, len(rows)):
        row = rows[r]
        name = _text(row[table.province_col]) if table.province_col < len(row) else ""
        cells = [row[c.index] if c.index < len(row) else None for c in table.columns]
        has_num = any(to_number(v)[0] == "num" for v in cells)
        has_any = any(_text(v) for v in cells)
        if not name and not has_any:
            continue
        key = normalise(name)
        known = _lookup_province(name, "63") or _lookup_province(name, "34")
        if not known and any(key.startswith(k) for k in _SKIP_ROW_KEYS):
            P.append(
                problem(
                    "NATIONAL_ROW",
                    severity="warning",
                    file=file_name,
                    sheet=sheet.name,
                    row=r + 1,
                    name=name,
                )
            )
            continue
        if not known and not has_num:
            continue  # footer: source lines, notes, signatures
        entries.append((r, name))

    # Unit set: the set in which more names resolve; 34 names that all resolve in both
    # sets are the 34-province set (its units keep a predecessor's name).
    if unit_set is None:
        n63 = sum(1 for _, nm in entries if _lookup_province(nm, "63"))
        n34 = sum(1 for _, nm in entries if _lookup_province(nm, "34"))
        if n63 > n34:
            unit_set = "63"
        elif n34 > n63 or (len(entries) == 34 and n34 == 34):
            unit_set = "34"
        else:
            unit_set = "63"
    result.unit_set = unit_set
    if edition is not None and (edition, unit_set) not in edition_unit_sets():
        P.append(
            problem(
                "UNIT_SET_INVALID",
                file=file_name,
                sheet=sheet.name,
                year=edition,
                unit_set=unit_set,
            )
        )
    other_set = "34" if unit_set == "63" else "63"

    # Provinces.
    good: list[tuple[int, str, str]] = []  # (row index, code, name)
    first_seen: dict[str, str] = {}
    for r, name in entries:
        ref = cell_ref(r, table.province_col)
        code = _lookup_province(name, unit_set) if name else None
        if code is None:
            if name and _lookup_province(name, other_set):
                P.append(
                    problem(
                        "EXTRA_PROVINCE",
                        file=file_name,
                        sheet=sheet.name,
                        cell=ref,
                        row=r + 1,
                        name=name,
                        unit_set=unit_set,
                    )
                )
            else:
                try:
                    resolve(name, unit_set)
                    sugg: list[str] = []
                except UnknownProvinceError as exc:
                    sugg = exc.suggestions
                hint_vi = f" (gần giống: {', '.join(sugg)})" if sugg else ""
                hint_en = f" (closest: {', '.join(sugg)})" if sugg else ""
                P.append(
                    problem(
                        "UNKNOWN_PROVINCE",
                        file=file_name,
                        sheet=sheet.name,
                        cell=ref,
                        row=r + 1,
                        subject=name,
                        name=name,
                        hint_vi=hint_vi,
                        hint_en=hint_en,
                    )
                )
            continue
        if code in first_seen:
            P.append(
                problem(
                    "DUPLICATE_PROVINCE",
                    file=file_name,
                    sheet=sheet.name,
                    cell=ref,
                    row=r + 1,
                    name=name,
                    first=first_seen[code],
                )
            )
            continue
        first_seen[code] = ref
        good.append((r, code, name))
    missing = [c for c in (p.code for p in _units(unit_set)) if c not in first_seen]
    complete = not missing and len(good) == len(entries)
    if missing:
        names = ", ".join(name_of(c, unit_set) for c in missing[:15])
        if len(missing) > 15:
            names += ", …"
        P.append(
            problem(
                "MISSING_PROVINCE",
                file=file_name,
                sheet=sheet.name,
                n=len(missing),
                unit_set=unit_set,
                names=names,
            )
        )

    # Values (raw), ranks, located.
    raw: list[tuple[int, int, str, float, Column]] = []  # (row, col, code, value, column)
    ranks: list[tuple[int, str, float, Column]] = []
    empty_cols = {id(c) for c in table.columns}
    cells_by_col: dict[int, list[tuple[int, str, Any]]] = {}
    for r, code, _name in good:
        row = rows[r]
        for col in table.columns:
            v = row[col.index] if col.index < len(row) else None
            cells_by_col.setdefault(id(col), []).append((r, code, v))
            if _text(v):
                empty_cols.discard(id(col))
    for col in table.columns:
        if id(col) in empty_cols:
            if col.kind == "value":
                P.append(
                    problem(
                        "EMPTY_COLUMN",
                        severity="warning",
                        file=file_name,
                        sheet=sheet.name,
                        cell=col.header_cell,
                        column=col.header,
                    )
                )
            continue
        for r, code, v in cells_by_col.get(id(col), []):
            kind_v, num = to_number(v)
            ref = cell_ref(r, col.index)
            pname = name_of(code, unit_set)
            if kind_v == "empty":
                if (r, col.index) in formula_empty:
                    continue
                if col.kind == "value":
                    P.append(
                        problem(
                            "MISSING_VALUE",
                            severity="warning",
                            file=file_name,
                            sheet=sheet.name,
                            cell=ref,
                            row=r + 1,
                            column=col.header,
                            province=pname,
                        )
                    )
                    raw.append((r, col.index, code, math.nan, col))
                continue
            bad_rank = (
                col.kind == "rank"
                and num is not None
                and kind_v != "text"
                and (num < 1 or not float(num).is_integer())
            )
            if kind_v == "text" or num is None or bad_rank:
                code_p = "RANK_NOT_INTEGER" if col.kind == "rank" else "NON_NUMERIC"
                P.append(
                    problem(
                        code_p,
                        file=file_name,
                        sheet=sheet.name,
                        cell=ref,
                        row=r + 1,
                        column=col.header,
                        province=pname,
                        text=_text(v),
                    )
                )
                continue
            if col.kind == "rank":
                ranks.append((r, code, num, col))
            else:
                raw.append((r, col.index, code, num, col))
    if fw is None:
        return

    # Scale.
    def totals_ok(s: str) -> bool:
        vals: dict[tuple[str, str], float] = {
            (x[2], x[4].code): x[3] / _divisor(fw, x[4].code, s) for x in raw
        }
        return not _mismatches(vals, fw)

    numeric = [(x[4].code, x[3]) for x in raw if not math.isnan(x[3])]
    chosen, cands = _choose_scale(fw, numeric, scale, totals_ok)
    if chosen is None:
        opts_vi = ", ".join(_SCALE_NAMES[s][0] for s in cands)
        opts_en = ", ".join(_SCALE_NAMES[s][1] for s in cands)
        P.append(
            problem(
                "SCALE_AMBIGUOUS",
                file=file_name,
                sheet=sheet.name,
                options_vi=opts_vi,
                options_en=opts_en,
            )
        )
        return
    result.scale = chosen

    # Tidy rows; out-of-range values are reported and left out.
    recs = []
    for r, c, code, v, col in raw:
        div = _divisor(fw, col.code, chosen)
        val = v / div
        ref = cell_ref(r, c)
        if not math.isnan(val) and not (0.0 <= val <= 1.0 + 1e-12):
            P.append(
                problem(
                    "OUT_OF_RANGE",
                    file=file_name,
                    sheet=sheet.name,
                    cell=ref,
                    row=r + 1,
                    column=col.header,
                    province=name_of(code, unit_set),
                    value=float(v),
                    hi=float(div) if chosen != "1" else 1.0,
                    scale_vi=_SCALE_NAMES[chosen][0],
                    scale_en=_SCALE_NAMES[chosen][1],
                )
            )
            continue
        result.locations[(code, col.code)] = (ref, r + 1, col.header)
        recs.append(
            (
                edition,
                unit_set,
                code,
                col.code,
                None if math.isnan(val) else min(val, 1.0),
                f"upload:{file_name}",
                name_of(code, unit_set),
            )
        )
    tidy = pd.DataFrame(recs, columns=[*VALUE_COLUMNS, "province"])
    tidy["value"] = tidy["value"].astype(float)
    result.rows = tidy.sort_values(["province_code", "indicator"]).reset_index(drop=True)

    # Totals and pillars against the recomputation; ranks against competition ranks of
    # the 4-decimal scores (only on a complete table: ranks are relative to all provinces).
    stored = {
        (pc, ind): v
        for pc, ind, v in zip(
            result.rows["province_code"],
            result.rows["indicator"],
            result.rows["value"],
            strict=True,
        )
    }
    for pc, ind, st, rc in _mismatches(stored, fw):
        ref, rown, header = result.locations[(pc, ind)]
        P.append(
            problem(
                "TOTAL_MISMATCH",
                file=file_name,
                sheet=sheet.name,
                cell=ref,
                row=rown,
                column=header,
                province=name_of(pc, unit_set),
                stored=st,
                recomputed=rc,
                diff=round(st - rc, 6),
            )
        )
    if ranks and complete:
        _check_ranks(result, stored, ranks, fw, file_name, sheet.name)


def _units(unit_set: str) -> tuple[Any, ...]:
    from data.provinces import provinces

    return provinces(unit_set)


def recompute(
    values: Mapping[tuple[str, str], float], fw: Framework
) -> dict[tuple[str, str], float]:
    """(province_code, composite) -> recomputed value rounded to 4 decimals.

    The formula of metrics.scoring.compute_scores (a composite is the points-weighted mean
    of its members, missing if any member is missing) and its round4, in plain Python: it
    runs on every upload, where a pandas pivot would cost more than reading the file.
    Tests hold it equal to compute_scores.
    """
    from metrics.scoring import round4

    keys: list[tuple[str, str]] = []
    raws: list[float] = []
    codes = sorted({pc for pc, _ in values})
    for comp in fw.composites:
        w = list(fw.weights(comp).items())
        total = sum(p for _, p in w)
        for pc in codes:
            acc = 0.0
            for member, points in w:
                v = values.get((pc, member))
                if v is None or v != v:
                    break
                acc += points * v
            else:
                keys.append((pc, comp))
                raws.append(acc / total)
    if not raws:
        return {}
    return dict(zip(keys, (float(x) for x in round4(raws)), strict=True))


def _mismatches(
    values: Mapping[tuple[str, str], float], fw: Framework
) -> list[tuple[str, str, float, float]]:
    """Stored composites (pillars, dti) differing from the recomputed ones by > 0.0001:
    (province_code, indicator, stored, recomputed)."""
    rec = recompute(values, fw)
    out = []
    for key, stored in values.items():
        if key in rec and stored == stored and abs(stored - rec[key]) > TOLERANCE + 1e-9:
            out.append((key[0], key[1], float(stored), rec[key]))
    return sorted(out)


def _check_ranks(
    result: IngestResult,
    stored: Mapping[tuple[str, str], float],
    ranks: list[tuple[int, str, float, Column]],
    fw: Framework,
    file_name: str,
    sheet_name: str,
) -> None:
    from metrics.scoring import round4

    rec = recompute(stored, fw)
    score_of: dict[str, dict[str, float]] = {}
    codes = sorted({pc for pc, _ in stored})
    for col in {c.code for _, _, _, c in ranks}:
        have: list[tuple[str, float]] = []
        for pc in codes:
            v = stored.get((pc, col))
            if v is None or v != v:  # no stored value: the official figure is recomputed
                v = rec.get((pc, col))
            if v is not None and v == v:
                have.append((pc, v))
        rounded = round4([v for _, v in have]) if have else []
        score_of[col] = {pc: float(x) for (pc, _), x in zip(have, rounded, strict=True)}
    for r, code, rank, col in ranks:
        scores = score_of[col.code]
        if code not in scores:
            continue
        mine = scores[code]
        expected = 1 + sum(1 for s in scores.values() if s > mine + 1e-12)
        if int(rank) != expected:
            result.problems.append(
                problem(
                    "RANK_MISMATCH",
                    file=file_name,
                    sheet=sheet_name,
                    cell=cell_ref(r, col.index),
                    row=r + 1,
                    column=col.header,
                    province=name_of(code, result.unit_set or "63"),
                    rank=int(rank),
                    score=mine,
                    expected=expected,
                )
            )


# --------------------------------------------------------------------------- store side


@dataclass
class ImportOutcome:
    status: str  # created | identical | needs_replace | invalid
    version: Any = None  # data.store.VersionInfo
    diff: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)


def check_schema(result: IngestResult) -> list[Problem]:
    """The store's pandera contract (lazy: every failure), located back to cells."""
    from data.schema import SchemaError, validate_values

    try:
        validate_values(result.values)
    except SchemaError as exc:
        out = []
        vals = result.values
        for f in exc.failures.to_dict("records"):
            idx = f.get("index")
            cell = row = None
            where = result.sheet or result.file_name
            if idx is not None and not pd.isna(idx) and int(idx) in vals.index:
                rec = vals.loc[int(idx)]
                loc = result.locations.get((rec["province_code"], rec["indicator"]))
                if loc:
                    cell, row = loc[0], loc[1]
                    where = f"{result.sheet}!{cell}"
            out.append(
                problem(
                    "SCHEMA",
                    file=result.file_name,
                    sheet=result.sheet,
                    cell=cell,
                    row=row,
                    column=f.get("column"),
                    where=where,
                    check=f.get("check"),
                    value=f.get("failure_case"),
                )
            )
        return out
    return []


def diff_current(store: Any, result: IngestResult) -> pd.DataFrame:
    """The file's values against the current version of its edition.

    Columns province_code, province, indicator, old, new, delta, change (changed | added |
    removed); unchanged pairs are left out. An uninitialised store counts as empty."""
    cols = ["province_code", "province", "indicator", "old", "new", "delta", "change"]
    new = result.values[["province_code", "indicator", "value"]].rename(columns={"value": "new"})
    old = _current_values(store, result.edition, result.unit_set)
    old = old.rename(columns={"value": "old"})
    m = old.merge(new, on=["province_code", "indicator"], how="outer", indicator=True)
    m["delta"] = (m["new"] - m["old"]).round(10)
    both = m["_merge"] == "both"
    same = both & ((m["delta"].abs() < 1e-12) | (m["old"].isna() & m["new"].isna()))
    m = m[~same].copy()
    m["change"] = (
        m["_merge"]
        .map({"both": "changed", "left_only": "removed", "right_only": "added"})
        .astype(str)
    )
    us = result.unit_set or "63"
    m["province"] = m["province_code"].map(lambda c: name_of(c, us))
    return m[cols].sort_values(["province_code", "indicator"]).reset_index(drop=True)


def _current_values(store: Any, edition: int | None, unit_set: str | None) -> pd.DataFrame:
    import sqlalchemy as sa

    empty = pd.DataFrame(columns=["province_code", "indicator", "value"])
    if edition is None or unit_set is None:
        return empty
    if store.url.startswith("sqlite:///"):
        path = Path(store.url.removeprefix("sqlite:///"))
        if not path.exists():  # do not create a database just to read it
            return empty
    if not sa.inspect(store.engine).has_table("versions"):
        return empty
    vals = store.load_values()
    part = vals[(vals["edition"] == edition) & (vals["unit_set"] == unit_set)]
    return part[["province_code", "indicator", "value"]].reset_index(drop=True)


def import_result(
    store: Any, result: IngestResult, data: bytes, *, user: str, replace: bool = False
) -> ImportOutcome:
    """Store a valid parse as a new version, all or nothing.

    Refuses (nothing written) when the parse has errors or fails the store's schema, or
    when the edition already has a current version and ``replace`` is False, unless the
    identical file is already stored (then nothing is written either)."""
    if not result.ok or result.edition is None or result.unit_set is None:
        return ImportOutcome("invalid", problems=result.errors)
    schema_problems = check_schema(result)
    if schema_problems:
        return ImportOutcome("invalid", problems=schema_problems)
    diff = diff_current(store, result)
    store.seed_if_empty()
    existing = store.versions(result.edition, result.unit_set)
    same = [v for v in existing if v.sha256 == result.sha256]
    if same:
        return ImportOutcome("identical", version=same[-1], diff=diff.iloc[0:0])
    if any(v.current for v in existing) and not replace:
        return ImportOutcome("needs_replace", diff=diff)
    rows = result.values[["province_code", "indicator", "value", "source"]]
    res = store.import_version(
        result.edition,
        result.unit_set,
        rows,
        file_name=result.file_name,
        file_bytes=data,
        user=user,
    )
    return ImportOutcome("created" if res.created else "identical", version=res.version, diff=diff)


# --------------------------------------------------------------------------- template


def make_template(edition: int, unit_set: str) -> bytes:
    """A blank workbook in the dti.gov.vn "Xếp hạng chi tiết" layout for ``edition``:
    a title row, the header row (rank, province, the edition's inputs, PDTI), one row per
    province of the unit set, and validation 0..1 on the value cells."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    if (edition, unit_set) not in edition_unit_sets():
        raise ValueError(f"the {edition} DTI was not published for the {unit_set}-province set")
    fw = framework(edition)
    units = _units(unit_set)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"DTI {edition}"
    headers = ["Xếp hạng DTI", "Các tỉnh, thành phố trực thuộc TW"]
    headers += [f"Chỉ số {fw.get(c).label_vi}" for c in fw.inputs]
    headers += ["CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)"]
    last = col_letter(len(headers) - 1)
    ws["A1"] = f"KẾT QUẢ XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP TỈNH (DTI) NĂM {edition}"
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = f"Xếp hạng chi tiết – {unit_set} tỉnh, thành phố trực thuộc Trung ương"
    ws.merge_cells(f"A2:{last}2")
    for j, h in enumerate(headers):
        cell = ws.cell(row=3, column=j + 1, value=h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for i, u in enumerate(units):
        ws.cell(row=4 + i, column=2, value=u.name)
    end = 3 + len(units)
    dv = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="1",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error="Nhập số từ 0 đến 1, ví dụ 0,6383 / Enter a number from 0 to 1",
    )
    dv.add(f"C4:{last}{end}")
    ws.add_data_validation(dv)
    rv = DataValidation(
        type="whole", operator="between", formula1="1", formula2=str(len(units)), allow_blank=True
    )
    rv.add(f"A4:A{end}")
    ws.add_data_validation(rv)
    ws.column_dimensions["B"].width = 28
    for j in range(2, len(headers)):
        ws.column_dimensions[col_letter(j)].width = 16
    ws.freeze_panes = "C4"
    notes = wb.create_sheet("Hướng dẫn")
    notes["A1"] = "Hướng dẫn / Instructions"
    notes["A2"] = (
        "Nhập giá trị các chỉ số trên thang 0–1 (4 chữ số thập phân); cột xếp hạng có thể để trống."
    )
    notes["A3"] = (
        "Enter index values on the 0–1 scale (4 decimals); the rank column may be left empty."
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
