"""Criterion workbooks written by a second program: LibreOffice Calc saves the
one-sheet-per-department workbook as .ods and .xls; both read exactly like the .xlsx."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from assessment_fixtures import departments, per_unit_workbook, summary_workbook
from conftest import missing

from data.assessment_ingest import parse_assessment
from metrics.assessment import rank_units


def convert(data: bytes, stem: str, fmt: str, tmp: Path) -> bytes:
    soffice = shutil.which("soffice")
    if not soffice:
        missing("soffice not found (Debian libreoffice-calc)")
    src = tmp / f"{stem}.xlsx"
    src.write_bytes(data)
    profile = f"-env:UserInstallation=file://{tmp / 'lo-profile'}"  # no shared LO profile
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", fmt, "--outdir", str(tmp), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return (tmp / f"{stem}.{fmt}").read_bytes()


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_libreoffice_files_parse_like_xlsx(tmp_path, fmt):
    want = {d.name: d.total() for d in departments()}
    for stem, data, layout in (
        ("per_unit", per_unit_workbook(), "per_unit"),
        ("summary", summary_workbook(), "summary"),
    ):
        blob = convert(data, stem, fmt, tmp_path)
        res = parse_assessment(blob, f"{stem}.{fmt}", register_units=True)
        assert res.ok, [p.message_en for p in res.problems]
        assert res.layout == layout
        r = rank_units(res.nodes, res.values, res.new_units)
        assert dict(zip(r["unit"], r["score"], strict=True)) == want
    # A located refusal reads the same too.
    bad = convert(
        per_unit_workbook(score_override=("Sở Y tế", "1.1", "appraised", 21)), "bad", fmt, tmp_path
    )
    res = parse_assessment(bad, f"bad.{fmt}", register_units=True)
    assert ("OVER_MAX", "Sở Y tế", "E7") in [(p.code, p.sheet, p.cell) for p in res.errors]
