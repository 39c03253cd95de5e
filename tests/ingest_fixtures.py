"""Workbooks and CSVs for the ingestion tests, built in code from seeded values."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from typing import Any

import openpyxl

from data.frameworks import framework
from data.provinces import provinces
from metrics.scoring import round4

OFFICIAL_HEADERS = {
    "awareness": "Chỉ số Nhận thức số",
    "institutions": "Chỉ số Thể chế số",
    "infrastructure": "Chỉ số Hạ tầng số",
    "human_resources": "Chỉ số Nhân lực số",
    "cybersecurity": "Chỉ số An toàn thông tin mạng",
    "gov_activity": "Chỉ số Hoạt động chính quyền số",
    "econ_activity": "Chỉ số Hoạt động kinh tế số",
    "soc_activity": "Chỉ số Hoạt động xã hội số",
    "dti": "CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)",
}


def seeded_values(
    edition: int = 2022, unit_set: str = "63", seed: int = 7
) -> dict[str, dict[str, float]]:
    """code -> {indicator: value}: the edition's inputs at 4 decimals plus consistent
    composites (each pillar and dti recomputed and rounded as published)."""
    rng = random.Random(seed)
    fw = framework(edition)
    out: dict[str, dict[str, float]] = {}
    for p in provinces(unit_set):
        vals = {c: round(rng.uniform(0.2, 0.98), 4) for c in fw.inputs}
        for comp in fw.composites:
            w = fw.weights(comp)
            vals[comp] = float(round4(sum(w[c] * vals[c] for c in w) / sum(w.values())))
        out[p.code] = vals
    return out


def competition_ranks(scores: dict[str, float]) -> dict[str, int]:
    return {k: 1 + sum(1 for o in scores.values() if o > v + 1e-12) for k, v in scores.items()}


def detail_rows(
    edition: int = 2022, unit_set: str = "63", seed: int = 7
) -> tuple[list[str], list[list[Any]], dict[str, dict[str, float]]]:
    """Header and rows of the dti.gov.vn "Xếp hạng chi tiết" table, sorted by rank."""
    fw = framework(edition)
    vals = seeded_values(edition, unit_set, seed)
    names = {p.code: p.name for p in provinces(unit_set)}
    ranks = competition_ranks({c: v["dti"] for c, v in vals.items()})
    header = [
        "Xếp hạng DTI",
        "Các tỉnh, thành phố trực thuộc TW",
        *[OFFICIAL_HEADERS[c] for c in fw.inputs],
        OFFICIAL_HEADERS["dti"],
    ]
    rows = [
        [ranks[c], names[c], *[vals[c][i] for i in fw.inputs], vals[c]["dti"]]
        for c in sorted(vals, key=lambda c: (ranks[c], c))
    ]
    return header, rows, vals


def detail_workbook(
    edition: int = 2022,
    unit_set: str = "63",
    seed: int = 7,
    *,
    notes_sheet: bool = True,
    title: bool = True,
    footer: bool = True,
    edit: Callable[[Any], None] | None = None,
) -> bytes:
    """An .xlsx in the dti.gov.vn layout: a notes sheet first, a title (row 1), the header
    on row 3, data from row 4 (so the first province is on row 4), a source footer."""
    header, rows, _ = detail_rows(edition, unit_set, seed)
    wb = openpyxl.Workbook()
    if notes_sheet:
        notes = wb.active
        notes.title = "Ghi chú"
        notes["A1"] = "Bảng dưới đây trích từ dti.gov.vn"
        ws = wb.create_sheet("Xếp hạng chi tiết")
    else:
        ws = wb.active
        ws.title = "Xếp hạng chi tiết"
    if title:
        ws["A1"] = f"KẾT QUẢ XẾP HẠNG CHỈ SỐ DTI CẤP TỈNH NĂM {edition}"
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for j, h in enumerate(header):
        ws.cell(row=3, column=j + 1, value=h)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            ws.cell(row=4 + i, column=j + 1, value=v)
    if footer:
        ws.cell(row=4 + len(rows) + 1, column=1, value="Nguồn: Bộ Thông tin và Truyền thông")
    if edit is not None:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pillar_workbook(seed: int = 3) -> bytes:
    """The 2020 layout: a two-row header, value and rank per pillar under merged groups."""
    vals = seeded_values(2020, "63", seed)
    names = {p.code: p.name for p in provinces("63")}
    groups = [
        ("dti", "DTI"),
        ("gov", "Chính quyền số"),
        ("econ", "Kinh tế số"),
        ("soc", "Xã hội số"),
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Xếp hạng 2020"
    ws["A1"] = "Xếp hạng chuyển đổi số cấp tỉnh"
    ws.merge_cells("A1:I1")
    ws["A2"] = "STT"
    ws.merge_cells("A2:A3")
    ws["B2"] = "Tỉnh/thành phố"
    ws.merge_cells("B2:B3")
    for k, (_, label) in enumerate(groups):
        c = 3 + 2 * k
        ws.cell(row=2, column=c, value=label)
        ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=c + 1)
        ws.cell(row=3, column=c, value="Giá trị")
        ws.cell(row=3, column=c + 1, value="Xếp hạng")
    ranks = {code: competition_ranks({p: v[code] for p, v in vals.items()}) for code, _ in groups}
    for i, (pc, v) in enumerate(sorted(vals.items())):
        ws.cell(row=4 + i, column=1, value=i + 1)
        ws.cell(row=4 + i, column=2, value=names[pc])
        for k, (code, _) in enumerate(groups):
            ws.cell(row=4 + i, column=3 + 2 * k, value=v[code])
            ws.cell(row=4 + i, column=4 + 2 * k, value=ranks[code][pc])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def detail_csv(
    edition: int = 2022,
    seed: int = 7,
    *,
    delimiter: str = ",",
    decimal_comma: bool = False,
    bom: bool = False,
) -> bytes:
    header, rows, _ = detail_rows(edition, "63", seed)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    for r in rows:
        w.writerow(
            [str(x).replace(".", ",") if decimal_comma and isinstance(x, float) else x for x in r]
        )
    text = buf.getvalue()
    return (("\ufeff" if bom else "") + text).encode("utf-8")


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # the five tone marks


def windows_1258(text: str) -> bytes:
    """Text as Excel's "CSV" writes it on a Vietnamese Windows: Windows-1258, where
    letters with a tone are a base letter (â, ơ, … are precomposed) plus a separate
    combining tone mark. Example: windows_1258("Hải") == b"Ha\\xd2i"."""
    import unicodedata

    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        tones = "".join(p for p in parts if p in _TONES)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)
