"""The import service (app.imports) and the saved mappings in the store
(data.mappings_store): parse -> preview -> confirm on SQLite and PostgreSQL, mappings
shared by every store connection and process, audited, recorded with their version, and
release 2's JSON files adopted once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ingest_fixtures import detail_rows, detail_workbook

from app.imports import ImportOptions, Imports
from data import mappings_store
from data.ingest import SavedMappings
from data.provinces import resolve
from data.store import Store, audit

REPO = Path(__file__).resolve().parents[1]
NAME = "dti_2022.xlsx"
HEADER = "Điểm tổng hợp cuối cùng"  # K3, the DTI column, written in words no alias knows
ODD_NAME = "Tinh X"  # B10's province written in a way the registry does not know


def set_cells(**cells: Any) -> Any:
    def edit(ws: Any) -> None:
        for ref, v in cells.items():
            ws[ref] = v

    return edit


def odd_workbook() -> bytes:
    return detail_workbook(edit=set_cells(K3=HEADER, B10=ODD_NAME))


def odd_code() -> str:
    _, rows, _ = detail_rows()
    return str(resolve(rows[6][1]))  # the province whose name is in B10


@pytest.fixture
def store(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    s = Store(db_url)
    s.seed_if_empty()
    return s


def audit_rows(store: Store, action: str) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(audit).where(audit.c.action == action).order_by(audit.c.id))
        return [dict(r._mapping) for r in rows]


def test_parse_preview_confirm_saves_mappings_with_their_version(store: Store) -> None:
    imp = Imports(store)
    data = odd_workbook()
    bare = imp.parse(data, NAME, ImportOptions())
    assert {"UNMAPPED_HEADER", "UNKNOWN_PROVINCE"} <= {p.code for p in bare.errors}
    pv = imp.preview({NAME: bare})
    assert pv.unmapped == [HEADER] and pv.unknown_names == [("63", ODD_NAME)]
    assert not pv.storable and pv.valid == {}

    opts = ImportOptions(mapping={HEADER: "dti"}, province_mapping={"63": {ODD_NAME: odd_code()}})
    res = imp.parse(data, NAME, opts)
    assert res.ok, [p.message_en for p in res.errors]
    assert res.mappings_used == SavedMappings({HEADER: "dti"}, {"63": {ODD_NAME: odd_code()}})
    pv = imp.preview({NAME: res})
    assert pv.storable and pv.basis == {(2022, "63"): store.current_ids()[(2022, "63")]}
    # the seeded 2022 values differ from the file's, and the file lacks a few stored ones:
    # merged with the current version it removes none
    assert len(pv.diffs[NAME]) > 0 and pv.removing[NAME] > 0
    imp.merge_with_current(pv, NAME)
    assert pv.removing == {NAME: 0} and len(pv.diffs[NAME]) > 0
    moves = imp.rank_moves(pv)
    assert moves is not None and set(moves["edition"]) == {2022}

    [out] = imp.confirm([(res, data)], user="op", replace=True, basis=pv.basis, mappings=opts.given)
    assert out.status == "created" and out.version.number == 2
    # shared: a second Store object on the same database sees them, and parses with them
    other = Imports(Store(store.url))
    assert other.saved() == SavedMappings({HEADER: "dti"}, {"63": {ODD_NAME: odd_code()}})
    again = other.parse(data, NAME, ImportOptions())
    assert again.ok and again.mappings_used == res.mappings_used
    # audited: who, which version, what
    [row] = audit_rows(store, "mappings_save")
    assert (row["user"], row["version_id"], row["file_name"]) == ("op", out.version.id, NAME)
    assert json.loads(row["detail"]) == {
        "header": {HEADER: "dti"},
        "province": {"63": {ODD_NAME: odd_code()}},
    }
    # the version records the mappings that produced it; the seeded version needed none
    assert mappings_store.version_mappings_of(store, out.version.id) == res.mappings_used
    first = store.versions(2022, "63")[0]
    assert mappings_store.version_mappings_of(store, first.id) == SavedMappings()
    # the same file again: identical, nothing new to save, no second audit row
    [same] = other.confirm([(again, data)], user="op2", replace=False, mappings=SavedMappings())
    assert same.status == "identical" and len(audit_rows(store, "mappings_save")) == 1


def test_statuses_through_the_service(store: Store) -> None:
    imp = Imports(store)
    data = detail_workbook()
    res = imp.parse(data, NAME, ImportOptions())
    pv = imp.preview({NAME: res})
    [held] = imp.confirm([(res, data)], user="op")
    assert held.status == "needs_replace" and held.version is None
    # another version became current after the preview: refused as stale, nothing written
    rows = store.version_values(store.versions(2022, "63")[0].id)
    store.import_version(2022, "63", rows, file_name="x.xlsx", file_bytes=b"x", user="other")
    n = len(store.versions(2022, "63"))
    [stale] = imp.confirm([(res, data)], user="op", replace=True, basis=pv.basis)
    assert stale.status == "stale" and len(store.versions(2022, "63")) == n
    [made] = imp.confirm([(res, data)], user="op", replace=True)
    assert made.status == "created"
    store.rollback(2022, "63", 1, "op")
    [back] = imp.confirm([(res, data)], user="op", replace=True)
    assert back.status == "restored" and back.version.number == made.version.number
    bad = imp.parse(detail_workbook(edit=set_cells(D7=1.5)), "bad.xlsx", ImportOptions())
    outs = imp.confirm([(res, data), (bad, b"")], user="op", replace=True)
    assert [o.status for o in outs] == ["held", "invalid"]


def test_busy_store_is_reported_not_raised(db_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    holder = Store(db_url, lock_timeout_s=30)
    holder.seed_if_empty()
    imp = Imports(Store(db_url, lock_timeout_s=0.5))
    res = imp.parse(detail_workbook(), NAME, ImportOptions())
    with holder.write() as conn:
        holder._lock_edition(conn, 2022, "63")
        [busy] = imp.confirm([(res, b"")], user="op", replace=True, mappings=SavedMappings())
    assert busy.status == "busy"


def test_mappings_saved_by_one_process_are_used_by_another(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    env = {**os.environ, "DTI_DB_URL": url, "DTI_CONFIG_DIR": str(tmp_path / "cfg")}
    f = tmp_path / NAME
    f.write_bytes(detail_workbook(edit=set_cells(K3=HEADER)))
    m = tmp_path / "m.json"
    m.write_text(json.dumps({HEADER: "dti"}), encoding="utf-8")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "data", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert cli("init").returncode == 0
    assert cli("validate", str(f)).returncode == 1
    got = cli("import", str(f), "--mapping", str(m), "--replace", "--user", "op")
    assert got.returncode == 0, got.stderr
    assert cli("validate", str(f)).returncode == 0  # a new process reads them from the store
    # and so does this one, with its own engine (what an app process does)
    assert Imports(Store(url)).saved() == SavedMappings({HEADER: "dti"}, {})


def test_release2_files_are_used_then_adopted_once(store: Store, tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "header_mappings.json").write_text(json.dumps({HEADER: "dti"}), encoding="utf-8")
    (cfg / "province_mappings.json").write_text(
        json.dumps({"63": {ODD_NAME: odd_code()}}), encoding="utf-8"
    )
    data = odd_workbook()
    # before any import they work as in release 2 ...
    imp = Imports(store)
    res = imp.parse(data, NAME, ImportOptions())
    assert res.ok, [p.message_en for p in res.errors]
    assert mappings_store.stored(store) == SavedMappings()
    # ... and the first import adopts them: in the store, one audit row per file
    [out] = imp.confirm([(res, data)], user="op", replace=True, mappings=SavedMappings())
    assert out.status == "created"
    assert mappings_store.stored(store) == SavedMappings(
        {HEADER: "dti"}, {"63": {ODD_NAME: odd_code()}}
    )
    adopted = audit_rows(store, "mappings_adopt")
    assert sorted(r["file_name"] for r in adopted) == [
        "header_mappings.json",
        "province_mappings.json",
    ]
    assert mappings_store.version_mappings_of(store, out.version.id) == res.mappings_used
    # the store now wins over the file; the adopted content is never read again
    with store.write() as conn:
        mappings_store.save(store, conn, SavedMappings({HEADER: "ignore"}), user="op")
    assert mappings_store.load(store).header == {HEADER: "ignore"}
    assert mappings_store.pending_files(store) == []
    assert mappings_store.adopt(store) == 0 and len(audit_rows(store, "mappings_adopt")) == 2


def test_validate_does_not_create_a_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    path = tmp_path / "none.db"
    imp = Imports(Store(f"sqlite:///{path}"))
    assert imp.parse(detail_workbook(), NAME, ImportOptions()).ok
    assert not path.exists()


def test_a_bad_mapping_is_refused_before_anything_is_written(store: Store) -> None:
    with pytest.raises(ValueError, match="mapping target"), store.write() as conn:
        mappings_store.save(store, conn, SavedMappings({HEADER: "nonsense"}), user="op")
    assert mappings_store.stored(store) == SavedMappings()


def test_backup_and_restore_keep_the_mappings_and_their_versions(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data.backup import restore_backup, write_backup

    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    src = Store(f"sqlite:///{tmp_path / 'src.db'}")
    src.seed_if_empty()
    imp = Imports(src)
    opts = ImportOptions(mapping={HEADER: "dti"}, province_mapping={"63": {ODD_NAME: odd_code()}})
    res = imp.parse(odd_workbook(), NAME, opts)
    [out] = imp.confirm([(res, odd_workbook())], user="op", replace=True, mappings=opts.given)
    assert out.status == "created"
    backup = tmp_path / "b.zip"
    manifest = write_backup(src, backup)
    assert manifest.tables["saved_mappings"].rows == 2
    assert manifest.tables["version_mappings"].rows == 2
    target = Store(db_url)
    restore_backup(backup, target)
    assert mappings_store.stored(target) == mappings_store.stored(src) == res.mappings_used
    assert mappings_store.version_mappings_of(target, out.version.id) == res.mappings_used
    assert audit_rows(target, "mappings_save") == audit_rows(src, "mappings_save")
    # and the restored store goes on using them
    assert Imports(target).parse(odd_workbook(), NAME, ImportOptions()).ok
