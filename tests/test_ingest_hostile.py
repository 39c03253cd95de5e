"""Hostile and careless input, end to end through `python -m data import`: each case
asserts the exact outcome and that the store is unchanged where it must be.

Cell amplification (ODS repeat counts, an XLSX stray last cell), a huge CSV field, the
encodings Excel writes in Vietnam, text and empty cells (the missing-value policy),
conversion noise, and LibreOffice-written .xls/.ods/.xlsx of the official layout."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import missing
from ingest_fixtures import detail_csv, detail_workbook, windows_1258
from test_cli_data import dump, store_env, write  # noqa: F401 - store_env is a fixture
from test_ingest import expected_values, set_cells, wide

from data.__main__ import main
from data.ingest import parse
from data.store import Store

NAME = "dti_2022.xlsx"
ODS_MANIFEST = (
    '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument'
    ':xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
    '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
)


def amplified_ods(rows: int = 60_000, cols: int = 1000) -> bytes:
    """One row repeated ``rows`` times holding one value cell repeated ``cols`` times: a
    few hundred bytes that declare ``rows × cols`` cells."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
        'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        '<table:table table:name="DTI 2022">'
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
        f'table:number-columns-repeated="{cols}" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    return buf.getvalue()


def stray_cell_xlsx() -> bytes:
    """The official layout with one stray value in the last cell of the sheet."""
    return detail_workbook(edit=set_cells(XFD1048576="x"))


def huge_field_csv() -> bytes:
    return detail_csv().replace(b"\n", b'\n"' + b"x" * 200_000 + b'",', 1)


def refused(store: Store, tmp_path: Path, name: str, data: bytes, *opts: str) -> str:
    """Import through the CLI; assert it is refused and the store unchanged; the stderr."""
    before = dump(store)
    path = write(tmp_path, name, data)
    code = main(["import", path, "--replace", "--lang", "en", *opts])
    assert code in (1, 2)
    assert dump(store) == before
    return str(code)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "amp_2022.ods",
            amplified_ods(),
            'Sheet "DTI 2022" has data up to cell ALL60000 (60000 rows × 1000 columns), '
            "beyond the 5000 rows × 300 columns the import reads.",
        ),
        (
            NAME,
            stray_cell_xlsx(),
            'Sheet "Xếp hạng chi tiết" has data up to cell XFD1048576 (1048576 rows × 16384 '
            "columns), beyond the 5000 rows × 300 columns the import reads.",
        ),
        (
            "dti_2022.csv",
            huge_field_csv(),
            "File dti_2022.csv, line 2: a field is longer than 32768 characters",
        ),
        (
            "dti_2022.csv",
            b"Province,DTI\n" + bytes([0xC3, 0x28, 0x81, 0x8D]) + b",0.5\n",
            "Cannot tell the encoding of text file dti_2022.csv "
            "(tried UTF-8, UTF-16, Windows-1258).",
        ),
    ],
    ids=["ods-amplification", "xlsx-stray-last-cell", "csv-huge-field", "csv-unknown-encoding"],
)
def test_refused_before_any_grid_is_built(
    store_env: Store,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    message: str,
) -> None:
    (problem,) = parse(data, name).errors
    assert message in problem.message("en")
    assert refused(store_env, tmp_path, name, data) == "2"  # 2: the file itself is refused


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("dti_2022.csv", lambda text: ("\ufeff" + text).encode("utf-8")),  # "CSV UTF-8"
        ("dti_2022.csv", lambda text: text.encode("utf-8")),
        ("dti_2022.txt", lambda text: text.replace(",", "\t").encode("utf-16")),  # Unicode Text
        ("dti_2022.tsv", lambda text: text.replace(",", "\t").encode("utf-16")),
        ("dti_2022.csv", lambda text: text.encode("utf-16")),  # UTF-16, comma-separated
        ("dti_2022.csv", windows_1258),  # "CSV" on a Vietnamese Windows
    ],
    ids=["utf8-bom", "utf8", "utf16-tab-txt", "utf16-tab-tsv", "utf16-comma", "windows-1258"],
)
def test_excel_encodings_import_exactly(
    store_env: Store,  # noqa: F811
    tmp_path: Path,
    name: str,
    encode: Any,
) -> None:
    text = detail_csv().decode("utf-8")
    data = encode(text)
    res = parse(data, name)
    assert res.ok, [p.message("en") for p in res.errors]
    assert wide(res) == pytest.approx(expected_values())
    names = set(res.rows["province"])
    assert "Hải Dương" in names and "Thừa Thiên Huế" in names  # NFC, as the registry
    assert main(["import", write(tmp_path, name, data), "--replace"]) == 0
    assert store_env.versions(2022, "63")[-1].number == 2


def test_text_in_a_value_cell_is_an_error_unless_declared_missing(
    store_env: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    data = detail_workbook(edit=set_cells(E12="n/a", F13=None))
    res = parse(data, NAME)
    errors = [(p.code, p.cell) for p in res.errors]
    assert errors == [("NON_NUMERIC", "E12")]
    assert '"n/a" is not a number' in res.errors[0].message("en")
    assert res.errors[0].message("en").startswith("Cell E12 (Chỉ số Hạ tầng số, ")
    assert refused(store_env, tmp_path, NAME, data) == "1"
    # Declared as a missing marker (upload option / --missing-token): stored as missing,
    # with a warning naming each cell; the empty cell is missing with its own warning.
    ok = parse(data, NAME, missing_tokens=["N/A "])
    assert ok.ok
    warned = {(p.code, p.cell) for p in ok.problems if p.severity == "warning"}
    assert {("MISSING_MARKER", "E12"), ("MISSING_VALUE", "F13")} <= warned
    assert main(["import", write(tmp_path, NAME, data), "--replace", "--missing-token", "n/a"]) == 0
    vals = store_env.version_values(store_env.versions(2022, "63")[-1].id)
    got = vals.set_index(["province_code", "indicator"])["value"]
    row12 = {(r.province_code, r.indicator) for r in ok.rows.itertuples() if r.value != r.value}
    assert len(row12) == 2 and all(got.loc[k] != got.loc[k] for k in row12)  # NaN stored
    # the file's own total stands (it is not recomputed from the missing input)
    totals = ok.rows[ok.rows["indicator"] == "dti"].set_index("province_code")["value"]
    assert totals.notna().all()


def test_scale_conversion_noise_is_cleaned() -> None:
    """60.05 / 100 is 0.6004999999999999 in binary; the store gets 0.6005."""

    def on_100(ws: Any) -> None:
        for row in ws.iter_rows(min_row=4, min_col=3):
            for c in row:
                if isinstance(c.value, float):
                    c.value = round(c.value * 100, 2)
        ws["C4"] = 60.05

    res = parse(detail_workbook(edit=on_100, footer=False), NAME, scale="100")
    first = res.rows[(res.rows["indicator"] == "awareness")].iloc[0]
    assert res.scale == "100"
    assert any(v == 0.6005 for v in res.rows["value"])
    assert 0.6004999999999999 not in set(res.rows["value"]), first


# --------------------------------------------------------------------------- LibreOffice


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        missing("LibreOffice (soffice) not found (Debian package 'libreoffice-calc')")
    return str(path)


def convert(tmp_path: Path, xlsx: bytes, fmt: str) -> Path:
    """``xlsx`` re-written by LibreOffice as ``fmt`` (a writer nobody here controls)."""
    src = tmp_path / "src" / "dti_2022.xlsx"
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(xlsx)
    out = tmp_path / "out"
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs do not collide
    proc = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    written = out / f"dti_2022.{fmt}"
    assert proc.returncode == 0 and written.exists(), proc.stderr
    assert written.read_bytes() != xlsx
    return written


@pytest.mark.parametrize("fmt", ["xls", "ods", "xlsx"])
def test_libreoffice_written_files_import_exactly(
    store_env: Store,  # noqa: F811
    tmp_path: Path,
    fmt: str,
) -> None:
    written = convert(tmp_path, detail_workbook(), fmt)
    res = parse(written.read_bytes(), written.name)
    assert res.ok, [p.message("en") for p in res.errors]
    assert wide(res) == pytest.approx(expected_values(), abs=1e-12)
    assert main(["import", str(written), "--replace"]) == 0
    assert store_env.versions(2022, "63")[-1].file_name == written.name


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_libreoffice_file_with_a_far_cell_is_refused(
    store_env: Store,  # noqa: F811
    tmp_path: Path,
    fmt: str,
) -> None:
    """The last cell of an .xls (IV65536) measured from the BIFF records, of an .ods
    from its repeat counts: refused before any grid is built, the store unchanged."""
    written = convert(tmp_path, detail_workbook(edit=set_cells(IV65536=1.0)), fmt)
    (problem,) = parse(written.read_bytes(), written.name).errors
    assert problem.code == "TOO_MANY_CELLS" and problem.cell == "IV65536"
    assert refused(store_env, tmp_path, written.name, written.read_bytes()) == "2"


# --------------------------------------------------------------------------- headers


def test_header_wording_variants_are_matched_on_tokens() -> None:
    variants = {
        "C3": "NHẬN THỨC SỐ\n(điểm)",  # upper case, a line break, a unit in brackets
        "D3": "chỉ số  thể chế số cấp tỉnh",  # lower case, double space, "cấp tỉnh"
        "E3": "Hạ tầng số [0-1]",
        "H3": "HĐ cqs",  # the pillar abbreviation
        "K3": "Chỉ số DTI cấp tỉnh (PDTI)",
    }
    res = parse(detail_workbook(edit=set_cells(**variants)), NAME)
    assert res.ok, [p.message("en") for p in res.errors]
    assert {h: c for h, c in res.headers.items() if h in variants.values()} == {
        "NHẬN THỨC SỐ\n(điểm)": "awareness",
        "chỉ số  thể chế số cấp tỉnh": "institutions",
        "Hạ tầng số [0-1]": "infrastructure",
        "HĐ cqs": "gov_activity",
        "Chỉ số DTI cấp tỉnh (PDTI)": "dti",
    }
    assert wide(res) == pytest.approx(expected_values())


@pytest.mark.parametrize("header", ["Chính quyền số (KTS)", "CQS / KTS"])
def test_a_header_naming_two_indices_is_an_error_listing_them(header: str) -> None:
    res = parse(detail_workbook(edit=set_cells(C3=header)), NAME)
    (p,) = [p for p in res.errors if p.code == "HEADER_AMBIGUOUS"]
    assert p.cell == "C3"
    assert p.message("en").startswith(
        f'Cell C3: the column header "{header}" could be several indices (econ, gov)'
    )
    assert not res.ok
