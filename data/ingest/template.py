"""A blank workbook in the dti.gov.vn "Xếp hạng chi tiết" layout, ready to fill in."""

from __future__ import annotations

import io

from data.frameworks import edition_unit_sets, framework
from data.ingest.report import col_letter


def make_template(edition: int, unit_set: str) -> bytes:
    """A blank workbook in the dti.gov.vn "Xếp hạng chi tiết" layout for ``edition``:
    a title row, the header row (rank, province, the edition's inputs, PDTI), one row per
    province of the unit set, and validation 0..1 on the value cells."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from data.provinces import provinces

    if (edition, unit_set) not in edition_unit_sets():
        raise ValueError(f"the {edition} DTI was not published for the {unit_set}-province set")
    fw = framework(edition)
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
