"""Criterion-level workbooks built in code: Hải Dương's 500-point department scheme
(QĐ 297/QĐ-UBND, 2023: Nhận thức số 50, Thể chế số 50, Hạ tầng số 50, Nhân lực số 50,
An toàn thông tin mạng 100, Hoạt động chuyển đổi số 200), six departments, quarter points.

The criteria below the main indices are invented for the tests (their maxima add up to
each index as the decision requires); the scores are deterministic and exact in binary
floating point (quarters), so every expected figure is computed here exactly.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl

MAIN = [
    ("1", "Nhận thức số", 50),
    ("2", "Thể chế số", 50),
    ("3", "Hạ tầng số", 50),
    ("4", "Nhân lực số", 50),
    ("5", "An toàn thông tin mạng", 100),
    ("6", "Hoạt động chuyển đổi số", 200),
]
# (code, parent, label, max); 6.1 has two sub-criteria.
NODES = [
    ("1", None, "Nhận thức số", 50),
    ("1.1", "1", "Ban chỉ đạo chuyển đổi số họp định kỳ", 20),
    ("1.2", "1", "Tuyên truyền về chuyển đổi số", 15),
    ("1.3", "1", "Lãnh đạo tham gia đào tạo chuyển đổi số", 15),
    ("2", None, "Thể chế số", 50),
    ("2.1", "2", "Kế hoạch chuyển đổi số năm", 25),
    ("2.2", "2", "Quy chế quản lý, vận hành hệ thống thông tin", 25),
    ("3", None, "Hạ tầng số", 50),
    ("3.1", "3", "Tỷ lệ máy tính kết nối mạng chuyên dùng", 20),
    ("3.2", "3", "Hệ thống hội nghị trực tuyến", 30),
    ("4", None, "Nhân lực số", 50),
    ("4.1", "4", "Cán bộ chuyên trách công nghệ thông tin", 30),
    ("4.2", "4", "Tỷ lệ công chức được bồi dưỡng kỹ năng số", 20),
    ("5", None, "An toàn thông tin mạng", 100),
    ("5.1", "5", "Phê duyệt hồ sơ cấp độ an toàn hệ thống", 40),
    ("5.2", "5", "Giám sát an toàn thông tin (SOC)", 35),
    ("5.3", "5", "Diễn tập, ứng cứu sự cố", 25),
    ("6", None, "Hoạt động chuyển đổi số", 200),
    ("6.1", "6", "Dịch vụ công trực tuyến", 60),
    ("6.1.1", "6.1", "Tỷ lệ hồ sơ trực tuyến toàn trình", 30),
    ("6.1.2", "6.1", "Tỷ lệ thanh toán trực tuyến", 30),
    ("6.2", "6", "Văn bản điện tử có chữ ký số", 80),
    ("6.3", "6", "Khai thác dữ liệu dùng chung", 60),
]
LEAVES = [n for n in NODES if not any(m[1] == n[0] for m in NODES)]
DEPARTMENTS = [
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Ban Quản lý các khu công nghiệp tỉnh",
]
SHEET_NAMES = ["TC", "NV", "TP", "Sở Y tế", "GDĐT", "BQL KCN"]  # "Sở Y tế": unit = sheet name
HEADERS = {
    "stt": "STT",
    "label": "Chỉ số/Chỉ số thành phần",
    "max": "Điểm tối đa",
    "self": "Điểm tự đánh giá",
    "appraised": "Điểm thẩm định",
    "notes": "Tài liệu kiểm chứng/Ghi chú",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def q(x: float) -> float:
    """Round to the quarter point."""
    return round(x * 4) / 4


def _appraised(i: int) -> dict[str, float | None]:
    """Department i's appraised points per criterion (None = not appraised: final = self).
    Sở Tư pháp (2) is Sở Nội vụ (1) with two equal-maximum criteria swapped, so both end on
    the same total (a shared rank) with different lost points."""
    base = 1 if i == 2 else i
    out: dict[str, float | None] = {}
    for j, (code, _p, _l, mx) in enumerate(LEAVES):
        frac = 0.45 + ((base * 7 + j * 3) % 11) / 20
        out[code] = q(mx * frac)
    if i == 2:
        out["1.2"], out["1.3"] = out["1.3"], out["1.2"]
    if i == 4:
        out["3.1"] = None  # not appraised: the self-assessment stands
    return out


def _self(i: int, appraised: dict[str, float | None]) -> dict[str, float]:
    out = {}
    for j, (code, _p, _l, mx) in enumerate(LEAVES):
        a = appraised[code]
        base = a if a is not None else q(mx * 0.8)
        bonus = 1.75 if (i + j) % 4 == 0 else 0.0  # over-claimed by 1.75 points
        out[code] = min(float(mx), base + bonus)
    return out


@dataclass
class Dept:
    name: str
    sheet: str
    self: dict[str, float]
    appraised: dict[str, float | None]

    def final(self, code: str) -> float:
        a = self.appraised[code]
        return a if a is not None else self.self[code]

    def node(self, code: str, kind: str) -> float:
        kids = [n[0] for n in NODES if n[1] == code]
        if not kids:
            return self.final(code) if kind == "final" else self.self[code]
        return sum(self.node(k, kind) for k in kids)

    def total(self, kind: str = "final") -> float:
        return sum(self.node(m[0], kind) for m in MAIN)


def departments() -> list[Dept]:
    out = []
    for i, (name, sheet) in enumerate(zip(DEPARTMENTS, SHEET_NAMES, strict=True)):
        a = _appraised(i)
        out.append(Dept(name, sheet, _self(i, a), a))
    return out


def _bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def per_unit_workbook(
    depts: list[Dept] | None = None,
    *,
    order: tuple[str, ...] = ("stt", "label", "max", "self", "appraised", "notes"),
    max_override: tuple[str, str, float] | None = None,  # (sheet, code, max)
    score_override: tuple[str, str, str, float | str] | None = None,  # (sheet, code, kind, v)
    drop: tuple[str, str] | None = None,  # (sheet, code) row left out
    parent_scores: bool = True,
    total_row: bool = True,
    title_unit: bool = True,
) -> bytes:
    """One sheet per department: two title rows (merged), "Đơn vị: …" (except the sheet
    named after its unit), the header row in ``order``, parents with their sums, leaves,
    a merged "TỔNG ĐIỂM" row."""
    depts = depts or departments()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    width = len(order)
    for d in depts:
        ws = wb.create_sheet(d.sheet)
        ws.append(["UBND TỈNH HẢI DƯƠNG"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.append(["BẢNG ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP SỞ NĂM 2025"])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.append([f"Đơn vị: {d.name}"] if title_unit and d.sheet != d.name else [])
        ws.append([])
        ws.append([HEADERS[k] for k in order])
        for code, _parent, label, mx in NODES:
            if drop == (d.sheet, code):
                continue
            is_parent = any(n[1] == code for n in NODES)
            if max_override and max_override[:2] == (d.sheet, code):
                mx = max_override[2]
            vals: dict[str, object] = {
                "stt": code,
                "label": label,
                "max": mx,
                "self": None,
                "appraised": None,
                "notes": "Báo cáo số 12/BC" if not is_parent else None,
            }
            if is_parent:
                if parent_scores:
                    vals["self"] = d.node(code, "self")
                    vals["appraised"] = d.node(code, "final")
            else:
                vals["self"] = d.self[code]
                vals["appraised"] = d.appraised[code]
            if score_override and score_override[:2] == (d.sheet, code):
                vals[score_override[2]] = score_override[3]
            ws.append([vals[k] for k in order])
        if total_row:
            vals = {
                "stt": "TỔNG ĐIỂM",
                "label": None,
                "max": 500,
                "self": d.total("self"),
                "appraised": d.total("final"),
                "notes": None,
            }
            ws.append([vals[k] for k in order])
            r = ws.max_row
            if order[:2] == ("stt", "label"):
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    return _bytes(wb)


def unit_columns_workbook(depts: list[Dept] | None = None, two_kinds: bool = False) -> bytes:
    """One sheet, criteria as rows, one column per department (final points), or two
    (Tự đánh giá | Thẩm định) under a merged department header."""
    depts = depts or departments()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append(["KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ CÁC SỞ, NGÀNH NĂM 2025"])
    head = ["STT", "Chỉ số", "Điểm tối đa"]
    if two_kinds:
        ws.append([*head, *[x for d in depts for x in (d.name, None)]])
        ws.append([None, None, None, *["Tự đánh giá", "Thẩm định"] * len(depts)])
        for k in range(3):
            ws.merge_cells(start_row=2, start_column=k + 1, end_row=3, end_column=k + 1)
        for i in range(len(depts)):
            c = 4 + 2 * i
            ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=c + 1)
    else:
        ws.append([*head, *[d.name for d in depts]])
    for code, _p, label, mx in NODES:
        row: list[object] = [code, label, mx]
        is_parent = any(n[1] == code for n in NODES)
        for d in depts:
            if two_kinds:
                if is_parent:
                    row += [None, None]
                else:
                    row += [d.self[code], d.appraised[code]]
            else:
                row.append(d.node(code, "final"))
        ws.append(row)
    total: list[object] = ["TỔNG ĐIỂM", None, 500]
    for d in depts:
        total += [d.total("self"), d.total("final")] if two_kinds else [d.total("final")]
    ws.append(total)
    return _bytes(wb)


def summary_workbook(
    depts: list[Dept] | None = None,
    *,
    max_row: bool = False,
    bad_total: bool = False,
    no_max: bool = False,
) -> bytes:
    """Units as rows, the six main indices as columns with "(50 điểm)" in the header (or
    a "Điểm tối đa" row), a total and a rank column."""
    depts = depts or departments()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Xếp hạng"
    ws.append(["KẾT QUẢ XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP SỞ NĂM 2025"])
    if max_row or no_max:
        ws.append(["STT", "Tên đơn vị", *[m[1] for m in MAIN], "Tổng điểm", "Xếp hạng"])
    if max_row:
        ws.append([None, "Điểm tối đa", *[m[2] for m in MAIN], 500, None])
    elif not no_max:
        ws.append(
            [
                "STT",
                "Tên đơn vị",
                *[f"{m[1]} ({m[2]} điểm)" for m in MAIN],
                "Tổng điểm (500 điểm)",
                "Xếp hạng",
            ]
        )
    for i, d in enumerate(depts):
        tot = d.total("final") + (1.0 if bad_total and i == 0 else 0.0)
        ws.append([i + 1, d.name, *[d.node(m[0], "final") for m in MAIN], tot, None])
    return _bytes(wb)


def roman_workbook() -> bytes:
    """Groups I, II with Arabic criteria restarting under each and a), b) sub-items; one
    sheet per commune (unit from the sheet name)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    rows = [
        ("I", "Hạ tầng và nền tảng số", 30, None, None),
        ("1", "Mạng chuyên dùng", 20, None, None),
        ("a)", "Kết nối", 10, 10, 7.5),
        ("b)", "Bảo trì", 10, 8.25, 8.25),
        ("2", "Wifi công cộng", 10, 6, 5.5),
        ("II", "Nhân lực số", 20, None, None),
        ("1", "Tập huấn", 20, 15.75, 12),
    ]
    for name, shift in (("Xã Tân Hồng", 0.0), ("Phường Việt Hòa", 0.25)):
        ws = wb.create_sheet(name)
        ws.append(["STT", "Nội dung", "Điểm tối đa", "Tự đánh giá", "Thẩm định", "Ghi chú"])
        for stt, label, mx, s, a in rows:
            ws.append([stt, label, mx, None if s is None else s - shift, a, None])
    return _bytes(wb)
