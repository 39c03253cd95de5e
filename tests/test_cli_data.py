"""The operator CLI's ingestion commands against both store backends."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from ingest_fixtures import detail_workbook, seeded_values
from test_ingest import billion_laughs_xlsx, ole_encrypted, set_cells

from data.__main__ import main
from data.frameworks import framework
from data.store import Store, metadata
from metrics.scoring import round4

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def store_env(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Store:
    monkeypatch.setenv("DTI_DB_URL", db_url)
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    store = Store(db_url)
    store.seed_if_empty()
    return store


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered: equal dumps mean an unchanged store."""
    out = {}
    with store.engine.connect() as conn:
        for t in metadata.sorted_tables:
            rows = conn.execute(sa.select(t).order_by(*t.columns)).all()
            out[t.name] = [tuple(r) for r in rows]
    return out


def write(tmp_path: Path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def filled_template(
    tmp_path: Path, year: int = 2022, unit_set: str = "63", seed: int = 5
) -> tuple[str, dict[tuple[str, str], float]]:
    """`template`, then filled in as the Department would: inputs at 4 decimals, PDTI."""
    out = tmp_path / "mau.xlsx"
    assert main(["template", "--year", str(year), "--unit-set", unit_set, "--out", str(out)]) == 0
    fw = framework(year)
    vals = seeded_values(year, unit_set, seed)
    wb = openpyxl.load_workbook(out)
    ws = wb[f"DTI {year}"]
    from data.provinces import resolve

    want: dict[tuple[str, str], float] = {}
    for r in range(4, ws.max_row + 1):
        code = resolve(ws.cell(row=r, column=2).value, unit_set)
        for j, ind in enumerate([*fw.inputs, "dti"]):
            ws.cell(row=r, column=3 + j, value=vals[code][ind])
            want[(code, ind)] = vals[code][ind]
    filled = tmp_path / f"dti_{year}_filled.xlsx"
    wb.save(filled)
    return str(filled), want


# --------------------------------------------------------------------------- validate


def test_validate_json_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "never.db"
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{db}")
    f = write(tmp_path, "dti_2022.xlsx", detail_workbook())
    assert main(["validate", f, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["ok", "year", "unit_set", "rows", "errors", "warnings"]
    assert (out["ok"], out["year"], out["unit_set"]) == (True, 2022, "63")
    assert len(out["rows"]) == 63 * 9
    row = next(r for r in out["rows"] if r["province_code"] == "01" and r["indicator"] == "dti")
    assert row == {
        "province": "Hà Nội",
        "province_code": "01",
        "indicator": "dti",
        "value": seeded_values()["01"]["dti"],
    }
    assert not db.exists()  # validate writes nothing, not even an empty database


def test_validate_json_errors_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write(tmp_path, "dti_2022.xlsx", detail_workbook(edit=set_cells(E12="abc")))
    assert main(["validate", f, "--json", "--lang", "en"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    err = out["errors"][0]
    assert list(err) == ["sheet", "cell", "row", "column", "code", "message"]
    assert (err["sheet"], err["cell"], err["row"], err["code"]) == (
        "Xếp hạng chi tiết",
        "E12",
        12,
        "NON_NUMERIC",
    )
    assert "not a number" in err["message"]


def test_validate_unreadable_files_exit_2(tmp_path: Path) -> None:
    assert main(["validate", write(tmp_path, "a.xlsx", ole_encrypted())]) == 2
    assert main(["validate", str(tmp_path / "missing.xlsx")]) == 2
    assert main(["validate", write(tmp_path, "b.xlsx", b"%PDF-1.4")]) == 2


def test_bad_mapping_file_is_usage_error(tmp_path: Path) -> None:
    m = write(tmp_path, "m.json", json.dumps({"X": "not_a_code"}).encode())
    f = write(tmp_path, "dti_2022.xlsx", detail_workbook())
    assert main(["validate", f, "--mapping", m]) == 2


# --------------------------------------------------------------------------- import


def current(store: Store, year: int = 2022, unit_set: str = "63") -> dict[tuple[str, str], float]:
    v = store.load_values()
    v = v[(v.edition == year) & (v.unit_set == unit_set)]
    return {(r.province_code, r.indicator): r.value for r in v.itertuples()}


def test_import_versions_diff_rollback(
    store_env: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = store_env
    f = write(tmp_path, "dti_2022.xlsx", detail_workbook())
    # Without --replace an edition that has data is not overwritten.
    before = dump(store)
    assert main(["import", f, "--user", "op"]) == 1
    assert dump(store) == before
    assert main(["import", f, "--user", "op", "--replace"]) == 0
    assert "as version 2 of 2022 (63)" in capsys.readouterr().out
    got = current(store)
    want = {
        (pc, i): v
        for pc, d in seeded_values().items()
        for i, v in d.items()
        if i in (*framework(2022).inputs, "dti")
    }
    assert got == pytest.approx(want)
    # Identical file: recognised, no new version.
    n_audit = len(store.audit_log())
    assert main(["import", f, "--user", "op", "--replace"]) == 0
    assert "identical to version 2" in capsys.readouterr().out
    assert [v.number for v in store.versions(2022, "63")] == [1, 2]
    assert len(store.audit_log()) == n_audit
    # diff of a changed file names the province, the indicator and the change.
    _, rows, _ = __import__("ingest_fixtures").detail_rows()
    changed = round(rows[0][2] - 0.05, 4)
    g = write(
        tmp_path,
        "dti_2022_v3.xlsx",
        detail_workbook(edit=set_cells(C4=changed, K4=round(rows[0][10] - 0.005, 4))),
    )
    assert main(["diff", g]) == 0
    out = capsys.readouterr().out
    assert "1 provinces, 2 indicators differ" in out
    assert f"awareness        {rows[0][2]:.4f} -> {changed:.4f} (-0.0500)" in out
    # versions --json, rollback, audit.
    assert main(["versions", "--year", "2022", "--json"]) == 0
    vs = json.loads(capsys.readouterr().out)
    assert [(v["number"], v["current"], v["user"]) for v in vs] == [
        (1, False, "bundle"),
        (2, True, "op"),
    ]
    assert main(["rollback", "--year", "2022", "--to", "1", "--user", "op2"]) == 0
    assert store.versions(2022, "63")[0].current
    log = store.audit_log()
    assert list(log["action"][:2]) == ["rollback", "import"]
    assert log["user"].iloc[0] == "op2" and log["file_name"].iloc[1] == "dti_2022.xlsx"
    assert main(["rollback", "--year", "2022", "--to", "9"]) == 1
    capsys.readouterr()
    # The file of version 2 again, while version 1 is current: the app's rule too
    # (Store.identical_version): refused without --replace, made current with it.
    before = dump(store)
    assert main(["import", f, "--user", "op"]) == 1
    assert "identical to version 2 of 2022 (63), which is not current" in capsys.readouterr().err
    assert dump(store) == before
    assert main(["import", f, "--user", "op", "--replace"]) == 0
    assert "identical to version 2 of 2022 (63); it is the current version again" in (
        capsys.readouterr().out
    )
    assert [(v.number, v.current) for v in store.versions(2022, "63")] == [(1, False), (2, True)]
    assert store.audit_log()["action"].iloc[0] == "reimport"


def test_import_saves_mapping_for_reuse(store_env: Store, tmp_path: Path) -> None:
    data = detail_workbook(edit=set_cells(K3="Điểm tổng hợp cuối cùng"))
    f = write(tmp_path, "dti_2022.xlsx", data)
    assert main(["validate", f]) == 1
    m = write(tmp_path, "m.json", json.dumps({"Điểm tổng hợp cuối cùng": "dti"}).encode())
    assert main(["import", f, "--mapping", m, "--replace"]) == 0
    # saved in the store (issue 14), shared by every process; no file is written any more
    from data.ingest import SavedMappings
    from data.mappings_store import stored

    assert stored(store_env) == SavedMappings({"Điểm tổng hợp cuối cùng": "dti"})
    assert not (tmp_path / "config" / "header_mappings.json").exists()
    assert main(["validate", f]) == 0  # reused


REJECTED: list[tuple[str, Any]] = [
    ("unknown.xlsx", lambda: detail_workbook(edit=set_cells(B10="Hà Nộii"))),
    ("nonnum.xlsx", lambda: detail_workbook(edit=set_cells(E12="abc"))),
    ("range.xlsx", lambda: detail_workbook(edit=set_cells(D7=1.5))),
    ("total.xlsx", lambda: detail_workbook(edit=set_cells(K6=0.01))),
    ("rank.xlsx", lambda: detail_workbook(edit=set_cells(A5=7))),
    ("formula.xlsx", lambda: detail_workbook(edit=set_cells(K10="=C10"))),
    ("password.xlsx", ole_encrypted),
    ("laughs.xlsx", billion_laughs_xlsx),
    ("wrong.xlsx", lambda: b"%PDF-1.4 not a workbook"),
    ("empty.csv", lambda: b""),
]


@pytest.mark.parametrize(("name", "make"), REJECTED, ids=[n for n, _ in REJECTED])
def test_rejected_file_leaves_store_unchanged(
    store_env: Store, tmp_path: Path, name: str, make: Any
) -> None:
    before = dump(store_env)
    f = write(tmp_path, name, make())
    assert main(["import", f, "--year", "2022", "--replace", "--user", "op"]) in (1, 2)
    assert dump(store_env) == before


def test_round_trip_template_fill_import_export(store_env: Store, tmp_path: Path) -> None:
    f, want = filled_template(tmp_path)
    assert main(["import", f, "--replace", "--user", "op"]) == 0
    out = tmp_path / "export.csv"
    assert main(["export", "--year", "2022", "--format", "csv", "--out", str(out)]) == 0
    exported = pd.read_csv(out, dtype={"province_code": str})
    got = {
        (r["province_code"], ind): r[ind]
        for _, r in exported.iterrows()
        for ind in (*framework(2022).inputs, "dti")
    }
    assert got == want  # exactly the 4-decimal figures typed in
    assert len(exported) == 63


def test_round_trip_34_set(store_env: Store, tmp_path: Path) -> None:
    f, want = filled_template(tmp_path, 2024, "34")
    assert main(["import", f, "--replace"]) == 0
    assert current(store_env, 2024, "34") == want
    fw = framework(2024)
    some = next(iter({pc for pc, _ in want}))
    w = fw.weights("dti")
    assert want[(some, "dti")] == float(
        round4(sum(p * want[(some, c)] for c, p in w.items()) / 1000)
    )


def test_cli_end_to_end_subprocess(tmp_path: Path) -> None:
    """The real entry point in a fresh interpreter: exit codes and JSON on stdout."""
    f = write(tmp_path, "dti_2022.xlsx", detail_workbook())
    env = {
        "PATH": "/usr/bin:/bin",
        "DTI_DB_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "DTI_CONFIG_DIR": str(tmp_path),
    }
    p = subprocess.run(
        [sys.executable, "-m", "data", "validate", f, "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["ok"] is True
    bad = write(tmp_path, "bad.xlsx", detail_workbook(edit=set_cells(B10="Hà Nộii")))
    p = subprocess.run(
        [sys.executable, "-m", "data", "import", bad, "--replace"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 1
    assert "Ô B10" in p.stderr and "store is unchanged" in p.stderr
    p = subprocess.run(
        [sys.executable, "-m", "data", "nope"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2


def test_template_out_of_edition_is_usage_error(tmp_path: Path) -> None:
    # any year 2020 .. current + 1 and any unit set is offered (issue 10); 2019 is not
    assert (
        main(["template", "--year", "2019", "--unit-set", "34", "--out", str(tmp_path / "t.xlsx")])
        == 2
    )
    wb = io.BytesIO((tmp_path / "t.xlsx").read_bytes()) if (tmp_path / "t.xlsx").exists() else None
    assert wb is None


def test_province_mapping_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingest_fixtures import detail_rows

    from data.provinces import resolve

    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    _, rows, _ = detail_rows()
    f = write(tmp_path, "dti_2022.xlsx", detail_workbook(edit=set_cells(B10="Tinh X")))
    assert main(["validate", f, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["code"] == "UNKNOWN_PROVINCE"
    good = write(tmp_path, "p.json", json.dumps({"63": {"Tinh X": resolve(rows[6][1])}}).encode())
    assert main(["validate", f, "--json", "--province-mapping", good]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    bad = write(tmp_path, "q.json", json.dumps({"63": {"Tinh X": "99"}}).encode())
    assert main(["validate", f, "--province-mapping", bad]) == 2


def test_cli_reader_leaving_early_is_quiet(tmp_path: Path) -> None:
    """`python -m data framework show --json | head -1`: a reader that closes the pipe
    early stops the tool quietly (no BrokenPipeError traceback), exit 141 as a shell says."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DTI_DB_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "DTI_CONFIG_DIR": str(tmp_path),
    }
    show = [sys.executable, "-m", "data", "framework", "show", "--year", "2023", "--json"]
    whole = subprocess.run(show, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert json.loads(whole.stdout)["edition"] == 2023
    # A pipe whose reader is already gone: the first write fails every time.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        gone = subprocess.run(
            show, cwd=REPO, env=env, stdout=write_end, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write_end)
    assert gone.returncode == 141
    assert gone.stderr == b""
    # The shell pipeline itself: head prints the first line, nothing reaches stderr.
    shell = subprocess.run(
        ["/bin/sh", "-c", f"{shlex.join(show)} | head -1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert shell.returncode == 0
    assert shell.stdout == "{\n"
    assert shell.stderr == ""
