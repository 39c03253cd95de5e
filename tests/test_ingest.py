"""data.ingest: layouts, header variants, scales, and one test per check (located)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from ingest_fixtures import (
    detail_csv,
    detail_rows,
    detail_workbook,
    pillar_workbook,
    seeded_values,
)

from data.frameworks import framework
from data.ingest import (
    Limits,
    SavedMappings,
    classify_header,
    header_key,
    make_template,
    parse,
    recompute,
    to_number,
)
from data.provinces import provinces
from metrics.scoring import compute_scores

NAME = "dti_2022.xlsx"


def codes(result: Any) -> list[str]:
    return [p.code for p in result.errors]


def only(result: Any, code: str) -> Any:
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, [(p.code, p.cell, p.message_en) for p in result.problems]
    return found[0]


def wide(result: Any) -> dict[tuple[str, str], float]:
    return {(r.province_code, r.indicator): r.value for r in result.rows.itertuples()}


def expected_values(
    edition: int = 2022,
    unit_set: str = "63",
    seed: int = 7,
    indicators: tuple[str, ...] | None = None,
) -> dict[tuple[str, str], float]:
    fw = framework(edition)
    keep = indicators or (*fw.inputs, "dti")
    return {
        (pc, ind): v
        for pc, vals in seeded_values(edition, unit_set, seed).items()
        for ind, v in vals.items()
        if ind in keep
    }


def set_cells(**cells: Any) -> Any:
    def edit(ws: Any) -> None:
        for ref, value in cells.items():
            ws[ref] = value

    return edit


# --------------------------------------------------------------------------- layouts


def test_official_detail_layout_reads_every_value() -> None:
    res = parse(detail_workbook(), "ket-qua.xlsx")
    assert res.ok, [p.message_en for p in res.problems]
    assert (res.edition, res.unit_set, res.scale) == (2022, "63", "1")
    assert res.sheet == "Xếp hạng chi tiết"  # the notes sheet before it is skipped
    assert len(res.rows) == 63 * 9
    assert wide(res) == pytest.approx(expected_values())
    assert set(res.rows["source"]) == {"upload:ket-qua.xlsx"}
    hn = res.rows[(res.rows.province_code == "01") & (res.rows.indicator == "dti")]
    assert hn["province"].item() == "Hà Nội"


def test_pillar_layout_with_merged_group_headers_and_ranks() -> None:
    res = parse(pillar_workbook(), "xep-hang-2020.xlsx")
    assert res.ok, [p.message_en for p in res.problems]
    assert res.edition == 2020
    assert res.headers["Chính quyền số / Xếp hạng"] == "gov:rank"
    assert res.headers["DTI / Giá trị"] == "dti"
    assert wide(res) == pytest.approx(expected_values(2020, seed=3))


def test_csv_semicolon_decimal_comma_bom() -> None:
    res = parse(detail_csv(delimiter=";", decimal_comma=True, bom=True), "dti_2022.csv")
    assert res.ok, [p.message_en for p in res.problems]
    assert res.edition == 2022  # from the file name
    assert wide(res) == pytest.approx(expected_values())


def test_csv_comma_without_bom_year_option() -> None:
    res = parse(detail_csv(), "ket_qua.csv", year=2022)
    assert res.ok
    assert wide(res) == pytest.approx(expected_values())


def test_ods() -> None:
    header, rows, _ = detail_rows()
    buf = io.BytesIO()
    pd.DataFrame(rows, columns=header).to_excel(
        buf, engine="odf", sheet_name="DTI 2022", index=False
    )
    res = parse(buf.getvalue(), "bang.ods")
    assert res.ok, [p.message_en for p in res.problems]
    assert res.edition == 2022  # from the sheet name
    assert wide(res) == pytest.approx(expected_values())


def test_header_variants_shuffled_columns_no_rank() -> None:
    header, rows, _ = detail_rows()
    variants = [
        unicodedata.normalize("NFD", "CHỈ SỐ NHẬN THỨC SỐ"),
        "the che so",
        "Hạ tầng số",
        "nhân lực số",
        "ATTT",
        "HĐ CQS",
        "Hoạt động KTS",
        "Chỉ số hoạt động XHS",
        "PDTI",
    ]
    order = [8, 0, 3, 2, 1, 7, 6, 5, 4]  # dti first, then indices in another order
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2022"
    ws.append(["Tỉnh/TP", *[variants[i] for i in order]])
    for r in rows:
        ws.append([r[1], *[r[2 + i] for i in order]])
    buf = io.BytesIO()
    wb.save(buf)
    res = parse(buf.getvalue(), "x.xlsx")
    assert res.ok, [p.message_en for p in res.problems]
    assert wide(res) == pytest.approx(expected_values())


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Chỉ số Nhận thức số", ("awareness", "value")),
        ("NHAN THUC SO", ("awareness", "value")),
        ("Xếp hạng DTI", ("dti", "rank")),
        ("Xếp hạng Chính quyền số", ("gov", "rank")),
        ("CQS", ("gov", "value")),
        ("Hoạt động CQS", ("gov_activity", "value")),
        ("DTI", ("dti", "value")),
        ("STT", ("", "ignore")),
    ],
)
def test_header_aliases(text: str, want: tuple[str, str]) -> None:
    assert classify_header([text], {}) == want


def test_header_key_folds_case_diacritics_and_prefix() -> None:
    assert header_key("Chỉ số An toàn thông tin mạng") == header_key("an toan thong tin mang")
    assert header_key(unicodedata.normalize("NFD", "Thể chế số")) == "thecheso"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("0,6383", "num", 0.6383),
        (" 0.6383 ", "num", 0.6383),
        (1, "num", 1.0),
        ("", "empty", None),
        ("-", "empty", None),
        ("abc", "text", None),
        (True, "text", None),
    ],
)
def test_to_number(text: Any, kind: str, value: float | None) -> None:
    assert to_number(text) == (kind, value)


def test_numbers_as_text_with_decimal_comma_in_xlsx() -> None:
    res = parse(detail_workbook(edit=set_cells(C4="0,5000")), NAME)
    # C4 is the first province's Nhận thức số; its total no longer matches, so the
    # decimal comma was read as 0.5 (a value, not a text error).
    assert "NON_NUMERIC" not in codes(res)
    pc = res.rows[res.rows.indicator == "awareness"].sort_values("value")
    assert 0.5 in set(pc["value"])


# --------------------------------------------------------------------------- scales


def scaled_workbook(factor: dict[str, float], drop_dti: bool = False) -> bytes:
    header, rows, _ = detail_rows()
    fw = framework(2022)
    cols = [*fw.inputs, "dti"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DTI 2022"
    keep = [j for j, c in enumerate(cols) if not (drop_dti and c == "dti")]
    ws.append([header[1], *[header[2 + j] for j in keep]])
    for r in rows:
        ws.append([r[1], *[round(r[2 + j] * factor[cols[j]], 4) for j in keep]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_scale_0_100_detected() -> None:
    fw = framework(2022)
    res = parse(scaled_workbook(dict.fromkeys([*fw.inputs, "dti"], 100.0)), NAME)
    assert res.ok, [p.message_en for p in res.problems]
    assert res.scale == "100"
    assert wide(res) == pytest.approx(expected_values(), abs=1e-9)


def test_scale_points_of_1000_detected() -> None:
    fw = framework(2022)
    res = parse(scaled_workbook({**fw.points, "dti": 1000.0}), NAME)
    assert res.ok, [p.message_en for p in res.problems]
    assert res.scale == "1000"
    assert wide(res) == pytest.approx(expected_values(), abs=1e-9)


def test_scale_ambiguous_is_refused_then_given() -> None:
    fw = framework(2022)
    data = scaled_workbook(dict.fromkeys(fw.inputs, 100.0), drop_dti=True)
    res = parse(data, NAME)
    p = only(res, "SCALE_AMBIGUOUS")
    assert "--scale" in p.message_vi and "thang đo" in p.message_vi
    res2 = parse(data, NAME, scale="100")
    assert res2.ok and res2.scale == "100"


# --------------------------------------------------------------------------- mapping


def saved_store(tmp_path: Path) -> Any:
    from data.store import Store

    store = Store(f"sqlite:///{tmp_path / 'mappings.db'}")
    store.init()
    return store


def save_mappings(store: Any, mappings: SavedMappings) -> None:
    from data.mappings_store import save

    with store.write() as conn:
        save(store, conn, mappings, user="test")


def load_saved(store: Any) -> SavedMappings:
    from data.mappings_store import load

    return load(store)


def test_unmapped_header_then_mapping_then_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path))
    data = detail_workbook(edit=set_cells(K3="Điểm tổng hợp cuối cùng"))
    res = parse(data, NAME)
    p = only(res, "UNMAPPED_HEADER")
    assert (p.sheet, p.cell) == ("Xếp hạng chi tiết", "K3")
    assert "--mapping" in p.message_vi
    res2 = parse(data, NAME, mapping={"Điểm tổng hợp cuối cùng": "dti"})
    assert res2.ok
    assert wide(res2) == pytest.approx(expected_values())
    # saved in the store (issue 14: shared by every process) and handed back to parse
    store = saved_store(tmp_path)
    save_mappings(store, SavedMappings({"Điểm tổng hợp cuối cùng": "dti"}))
    assert load_saved(store) == SavedMappings({"Điểm tổng hợp cuối cùng": "dti"})
    assert parse(data, NAME, saved_mappings=load_saved(store)).ok  # reused without --mapping
    assert not parse(data, NAME).ok  # data.ingest itself reads no store and no file


# --------------------------------------------------------------------------- checks


def test_unknown_province_with_suggestion() -> None:
    res = parse(detail_workbook(edit=set_cells(B10="Hà Nộii")), NAME)
    p = only(res, "UNKNOWN_PROVINCE")
    assert (p.sheet, p.cell, p.row) == ("Xếp hạng chi tiết", "B10", 10)
    assert "Hà Nội" in p.message_vi and "Ô B10" in p.message_vi
    assert "closest" in p.message_en


def test_duplicate_province() -> None:
    _, rows, _ = detail_rows()
    res = parse(detail_workbook(edit=set_cells(B11=rows[6][1])), NAME)  # row 10's name
    p = only(res, "DUPLICATE_PROVINCE")
    assert (p.cell, p.row) == ("B11", 11)
    assert "B10" in p.message_vi
    assert rows[7][1] in only(res, "MISSING_PROVINCE").message_vi


def test_missing_province() -> None:
    _, rows, _ = detail_rows()

    def drop(ws: Any) -> None:
        ws.delete_rows(20)

    res = parse(detail_workbook(edit=drop), NAME)
    p = only(res, "MISSING_PROVINCE")
    assert rows[16][1] in p.message_vi and "Thiếu 1 tỉnh" in p.message_vi
    assert p.sheet == "Xếp hạng chi tiết"


def test_extra_province_in_34_set() -> None:
    def add(ws: Any) -> None:
        ws.append([None, "Hải Dương", *([0.5] * 9)])

    res = parse(detail_workbook(2024, "34", edit=add), "dti_2024_34.xlsx", unit_set="34")
    p = only(res, "EXTRA_PROVINCE")
    assert p.cell == "B40"  # header row 3, provinces on rows 4..37, blank 38, footer 39
    assert "34" in p.message_vi


def test_34_set_detected() -> None:
    res = parse(detail_workbook(2024, "34"), "dti_2024.xlsx")
    assert res.ok, [p.message_en for p in res.problems]
    assert res.unit_set == "34"
    assert wide(res) == pytest.approx(expected_values(2024, "34"))


def test_non_numeric_value() -> None:
    res = parse(detail_workbook(edit=set_cells(E12="khoảng 0,7")), NAME)
    p = only(res, "NON_NUMERIC")
    assert (p.cell, p.row, p.column) == ("E12", 12, "Chỉ số Hạ tầng số")
    assert "không phải là số" in p.message_vi


def test_out_of_range_value() -> None:
    res = parse(detail_workbook(edit=set_cells(D7=1.5)), NAME)
    p = only(res, "OUT_OF_RANGE")
    assert (p.cell, p.column) == ("D7", "Chỉ số Thể chế số")
    assert "1,5" in p.message_vi and "1.5" in p.message_en


def test_total_differs_from_recomputed() -> None:
    _, rows, _ = detail_rows()
    bad = round(rows[2][10] + 0.01, 4)  # row 6 is the third province
    res = parse(detail_workbook(edit=set_cells(K6=bad)), NAME)
    p = [x for x in res.errors if x.code == "TOTAL_MISMATCH"]
    assert [x.cell for x in p] == ["K6"]
    assert "0,0001" in p[0].message_vi and str(bad).replace(".", ",") in p[0].message_vi


def test_total_within_tolerance_is_accepted() -> None:
    _, rows, _ = detail_rows()
    res = parse(detail_workbook(edit=set_cells(K6=round(rows[2][10] + 0.0001, 4))), NAME)
    assert "TOTAL_MISMATCH" not in codes(res)


def test_rank_contradicting_scores() -> None:
    res = parse(detail_workbook(edit=set_cells(A5=7)), NAME)
    p = only(res, "RANK_MISMATCH")
    assert (p.cell, p.column) == ("A5", "Xếp hạng DTI")
    assert "phải là 2" in p.message_vi


def test_formula_without_cached_value() -> None:
    res = parse(detail_workbook(edit=set_cells(K10="=C10*0.1+D10*0.1")), NAME)
    p = only(res, "FORMULA_NO_VALUE")
    assert (p.sheet, p.cell) == ("Xếp hạng chi tiết", "K10")
    assert "Excel/LibreOffice" in p.message_vi and "open and save" in p.message_en.lower()


def ole_encrypted() -> bytes:
    """A compound file as Excel writes a password-protected workbook: OLE magic and an
    "EncryptedPackage" stream in its directory."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\x00")
    return header + entry + b"\x00" * 2048


def test_password_protected() -> None:
    res = parse(ole_encrypted(), NAME)
    p = only(res, "PASSWORD_PROTECTED")
    assert "mật khẩu" in p.message_vi and res.file_level


def test_file_over_size_cap() -> None:
    res = parse(detail_workbook(), NAME, limits=Limits(max_file_bytes=1000))
    p = only(res, "FILE_TOO_LARGE")
    assert "MB" in p.message_en and res.rows.empty


def test_zip_bomb_by_declared_size() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    assert len(buf.getvalue()) < 20_000
    res = parse(buf.getvalue(), NAME, limits=Limits(max_unzipped_bytes=1024 * 1024))
    assert "zip bomb" in only(res, "ZIP_BOMB").message_en


def test_zip_bomb_with_lying_header() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    raw = bytearray(buf.getvalue())
    # Patch the central directory's uncompressed size of the big member to 10 bytes.
    pos = 0
    while (pos := raw.find(b"PK\x01\x02", pos)) >= 0:
        name_len = int.from_bytes(raw[pos + 28 : pos + 30], "little")
        if raw[pos + 46 : pos + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            raw[pos + 24 : pos + 28] = (10).to_bytes(4, "little")
        pos += 4
    res = parse(bytes(raw), NAME, limits=Limits(max_unzipped_bytes=1024 * 1024))
    assert res.errors and res.errors[0].code in {"ZIP_BOMB", "UNREADABLE"}
    assert res.file_level


def billion_laughs_xlsx() -> bytes:
    base = detail_workbook()
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w") as zout:
        for n in zin.namelist():
            zout.writestr(n, lol if n == "xl/worksheets/sheet2.xml" else zin.read(n))
    return out.getvalue()


def test_billion_laughs_refused_cleanly() -> None:
    res = parse(billion_laughs_xlsx(), NAME)
    p = only(res, "XML_ENTITY")
    assert "billion laughs" in p.message_en and "sheet2.xml" in p.message_en


def test_defusedxml_stays_installed_and_guards_openpyxl() -> None:
    import defusedxml  # noqa: F401
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
    with pytest.raises(Exception) as info:  # noqa: B017 - openpyxl wraps the parser error
        openpyxl.load_workbook(io.BytesIO(billion_laughs_xlsx()))
    assert "Entities" in repr(info.value.__context__) or "invalid XML" in str(info.value)


@pytest.mark.parametrize(
    ("data", "name", "actual"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, NAME, "unknown binary"),
        (b"%PDF-1.7\n...", NAME, "PDF"),
        ("Tỉnh,DTI\nHà Nội,0.5\n".encode(), NAME, "text/CSV"),
    ],
)
def test_wrong_file_type(data: bytes, name: str, actual: str) -> None:
    p = only(parse(data, name), "WRONG_TYPE")
    assert actual in p.message_en and ".xlsx" in p.message_en


def test_workbook_named_csv_is_wrong_type() -> None:
    p = only(parse(detail_workbook(), "dti.csv"), "WRONG_TYPE")
    assert "Excel .xlsx" in p.message_en


def test_unsupported_extension() -> None:
    assert only(parse(b"x", "dti.docx"), "UNSUPPORTED_TYPE").severity == "error"


def test_empty_workbook_and_empty_sheet() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Trống"
    buf = io.BytesIO()
    wb.save(buf)
    p = only(parse(buf.getvalue(), NAME), "EMPTY_FILE")
    assert p.sheet == "Trống"

    def add_empty(ws: Any) -> None:
        ws.parent.create_sheet("Sheet3")

    res = parse(detail_workbook(edit=add_empty), NAME)
    assert res.ok
    w = only(res, "EMPTY_SHEET")
    assert (w.severity, w.sheet) == ("warning", "Sheet3")


def test_year_missing_then_given() -> None:
    data = detail_workbook(title=False)
    res = parse(data, "ket_qua.xlsx")
    assert "--year" in only(res, "YEAR_MISSING").message_en
    assert parse(data, "ket_qua.xlsx", year=2022).ok


def test_every_problem_reported_together() -> None:
    res = parse(detail_workbook(edit=set_cells(B10="Hà Nộii", E12="x?", D7=1.5, K20="=C20")), NAME)
    located = {p.code: p.cell for p in res.errors}
    assert located == {
        "UNKNOWN_PROVINCE": "B10",
        "NON_NUMERIC": "E12",
        "OUT_OF_RANGE": "D7",
        "FORMULA_NO_VALUE": "K20",
        "MISSING_PROVINCE": None,
    }


def test_recompute_matches_metrics_scoring() -> None:
    vals = seeded_values(2022, "63", 11)
    tidy = pd.DataFrame(
        [
            (2022, "63", pc, ind, v)
            for pc, d in vals.items()
            for ind, v in d.items()
            if ind in framework(2022).inputs
        ],
        columns=["edition", "unit_set", "province_code", "indicator", "value"],
    )
    ref = compute_scores(tidy, {2022: framework(2022)})
    ref = ref[ref.indicator.isin(framework(2022).composites)]
    mine = recompute(
        {(r.province_code, r.indicator): r.value for r in tidy.itertuples()}, framework(2022)
    )
    assert len(mine) == len(ref) == 63 * 4
    for r in ref.itertuples():
        assert mine[(r.province_code, r.indicator)] == pytest.approx(r.recomputed, abs=1e-12)


def test_template_is_the_official_layout() -> None:
    data = make_template(2022, "63")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["DTI 2022"]
    assert ws["B3"].value == "Các tỉnh, thành phố trực thuộc TW"
    assert ws["B4"].value == "Hà Nội" and ws.max_row == 66
    dvs = ws.data_validations.dataValidation
    assert any(dv.type == "decimal" and dv.formula1 == "0" and dv.formula2 == "1" for dv in dvs)
    # Blank, it holds no table yet: refused with the "no table" message, not a crash.
    assert "template" in only(parse(data, "mau.xlsx"), "NO_TABLE").message_en


def test_province_name_mapping_resolves_unknown_names(tmp_path, monkeypatch) -> None:
    from data.ingest import normalise_province_mapping
    from data.provinces import resolve

    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path))
    _, rows, _ = detail_rows()
    code = resolve(rows[6][1])  # the province whose name is in B10
    data = detail_workbook(edit=set_cells(B10="Thủ đô Hà Nộii"))
    bad = parse(data, NAME)
    p = only(bad, "UNKNOWN_PROVINCE")
    assert p.subject == "Thủ đô Hà Nộii" and p.cell == "B10"
    good = parse(data, NAME, province_mapping={"63": {"Thủ đô Hà Nộii": code}})
    assert good.ok, [q.message_en for q in good.errors]
    assert set(good.rows["province_code"]) == {u.code for u in provinces("63")}
    # saved mappings are reused by later parses (the app and the CLI share them)
    store = saved_store(tmp_path)
    save_mappings(store, SavedMappings(province={"63": {"Thủ đô Hà Nộii": code}}))
    assert load_saved(store).province == {"63": {"Thủ đô Hà Nộii": code}}
    assert parse(data, NAME, saved_mappings=load_saved(store)).ok
    assert not parse(data, NAME, saved_mappings=load_saved(store), use_saved_mappings=False).ok
    with pytest.raises(ValueError, match="not a province code"):
        normalise_province_mapping({"63": {"x": "99"}})
