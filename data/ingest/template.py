"""A blank workbook in the dti.gov.vn "Xếp hạng chi tiết" layout, ready to fill in."""

from __future__ import annotations

import io

from data.frameworks import Framework, FrameworkError, frameworks, stored_frameworks
from data.ingest.report import col_letter
from domain.framework import check_year, structure_base_of


def template_framework(edition: int, unit_set: str) -> Framework:
    """The framework a template of (edition, unit set) is laid out by: its own when stored
    (declared or published), else the edition's for another unit set, else the latest
    edition's (a new edition, 2020 .. current year + 1). Raises FrameworkError outside."""
    fws = stored_frameworks()
    if (int(edition), unit_set) in fws:
        return fws[(int(edition), unit_set)]
    same = [fw for (e, _s), fw in sorted(fws.items()) if e == int(edition)]
    if same:
        return same[0]
    check_year(edition)
    return structure_base_of(frameworks(), None)


def make_template(edition: int, unit_set: str, fw: Framework | None = None) -> bytes:
    """A blank workbook in the dti.gov.vn "Xếp hạng chi tiết" layout for ``edition``:
    a title row, the header row (rank, province, the edition's inputs, PDTI), one row per
    province of the unit set, and validation 0..1 on the value cells. ``fw`` (default
    ``template_framework``) gives the columns; ValueError for a year outside 2020 ..
    current year + 1 or an unknown unit set."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from data.provinces import provinces

    if unit_set not in ("63", "34"):
        raise ValueError(f"unit set must be 63 or 34, got {unit_set!r}")
    if fw is None:
        try:
            fw = template_framework(edition, unit_set)
        except FrameworkError as exc:
            raise ValueError(exc.messages("en")[0]) from None
    units = provinces(unit_set)
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
