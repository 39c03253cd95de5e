"""Backup and restore: every table, one snapshot while imports run, SQLite <-> PostgreSQL,
refusals that write nothing, --force with its safety backup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ingest_fixtures import detail_workbook

from data import migrate
from data.backup import read_manifest, write_backup
from data.store import Store, metadata

REPO = Path(__file__).resolve().parents[1]
EDITIONS = [(2020, "63"), (2021, "63"), (2022, "63"), (2023, "63"), (2024, "63"), (2024, "34")]


def cli(url: str, *args: str, module: str = "data") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env={**os.environ, "DTI_DB_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )


def snapshot(url: str, years: tuple[int, ...] = (2022, 2023)) -> dict[str, Any]:
    """What a restore must keep: versions (with ids), current versions, the audit log,
    the original bytes, and rankings as the metrics CLI prints them."""
    store = Store(url)
    out: dict[str, Any] = {"versions": {}, "files": {}}
    for edition, unit_set in EDITIONS:
        vs = store.versions(edition, unit_set)
        out["versions"][f"{edition}/{unit_set}"] = [v.__dict__ for v in vs]
        for v in vs:
            out["files"][v.id] = store.version_file(v.id)
    log = store.audit_log(limit=100_000)
    out["audit"] = log.astype(object).where(log.notna(), None).to_dict("records")
    for year in years:
        got = cli(url, "rankings", "--year", str(year), "--format", "json", module="metrics")
        assert got.returncode == 0, got.stderr
        out[f"rankings {year}"] = json.loads(got.stdout)
    store.engine.dispose()
    return out


def tables_of(url: str) -> list[str]:
    eng = sa.create_engine(url)
    try:
        return sa.inspect(eng).get_table_names()
    finally:
        eng.dispose()


def seeded(url: str) -> Store:
    store = Store(url)
    store.seed_if_empty()
    return store


def backed_up_source(tmp_path: Path, year: int) -> tuple[str, Path]:
    """A seeded SQLite store with one upload (original bytes b"orig") and its backup."""
    src = f"sqlite:///{tmp_path / 'src.db'}"
    store = seeded(src)
    rows = store.version_values(store.versions(year, "63")[0].id)
    store.import_version(year, "63", rows, file_name="o.xlsx", file_bytes=b"orig", user="src")
    store.engine.dispose()
    backup = tmp_path / "src.zip"
    assert cli(src, "backup", "--out", str(backup)).returncode == 0
    return src, backup


# --------------------------------------------------------------------------- coverage


def test_backup_holds_every_table_of_the_metadata(db_url: str, tmp_path: Path) -> None:
    store = seeded(db_url)
    out = tmp_path / "b.zip"
    manifest = write_backup(store, out)
    names = {t.name for t in metadata.sorted_tables}
    assert names <= set(manifest.tables), names - set(manifest.tables)
    with zipfile.ZipFile(out) as zf:
        raw = json.loads(zf.read("manifest.json"))
        members = set(zf.namelist())
        for name in names:
            info = raw["tables"][name]
            assert info["file"] in members
            with store.engine.connect() as conn:
                n = conn.execute(
                    sa.select(sa.func.count()).select_from(metadata.tables[name])
                ).scalar()
            assert info["rows"] == n
    assert (raw["format"], raw["format_version"]) == ("dti-store-backup", 1)
    assert raw["schema_revision"] == migrate.head()
    assert (
        raw["tables"]["dti_values"]["rows"] == 2518
    )  # the bundle: 2,512 values of release 1 + 6 published totals (issue 16)
    store.engine.dispose()


# --------------------------------------------------------------------------- consistency


def test_backup_is_one_snapshot_while_another_connection_imports(
    db_url: str, tmp_path: Path
) -> None:
    """An import committed between the backup's table reads is not in the backup."""
    store = seeded(db_url)
    writer = Store(db_url)
    before = snapshot(db_url, years=())
    rows = store.version_values(store.versions(2022, "63")[0].id)
    rows["value"] = rows["value"] * 0.99

    imported = []

    def import_between(table: str) -> None:
        if not imported:
            imported.append(
                writer.import_version(
                    2022, "63", rows, file_name="mid.xlsx", file_bytes=b"mid", user="other"
                )
            )

    out = tmp_path / "b.zip"
    manifest = write_backup(store, out, _between_tables=import_between)
    assert imported and imported[0].created
    assert manifest.tables["versions"].rows == 6
    assert (
        manifest.tables["dti_values"].rows == 2518
    )  # the bundle: 2,512 values of release 1 + 6 published totals (issue 16)
    assert manifest.tables["audit"].rows == len(before["audit"])
    # and the store itself did take the import
    assert len(store.versions(2022, "63")) == 2

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    res = cli(target, "restore", str(out))
    assert res.returncode == 0, res.stderr
    assert snapshot(target, years=()) == before
    writer.engine.dispose()
    store.engine.dispose()


@pytest.mark.pg
def test_backup_during_cli_imports_restores_identically_on_postgresql_and_sqlite(
    tmp_path: Path, pg_db_url: str
) -> None:
    """A backup taken while another process imports (SQLite source) restores into an empty
    PostgreSQL and an empty SQLite with identical versions, current versions, audit, rankings
    and originals; after the imports end, a second backup does the same for the final state."""
    db_url = pg_db_url
    source = f"sqlite:///{tmp_path / 'source.db'}"
    seeded(source).engine.dispose()
    before = snapshot(source)
    files = []
    for year, seed in ((2022, 11), (2023, 12), (2022, 13)):
        f = tmp_path / f"dti_{year}_{seed}.xlsx"
        f.write_bytes(detail_workbook(year, "63", seed))
        files.append(f)
    script = " && ".join(
        f"{sys.executable} -m data import {f} --replace --user importer" for f in files
    )
    env = {**os.environ, "DTI_DB_URL": source, "DTI_CONFIG_DIR": str(tmp_path / "cfg")}
    importer = subprocess.Popen(
        ["sh", "-c", script], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    during: list[Path] = []
    while importer.poll() is None or not during:
        out = tmp_path / f"during-{len(during)}.zip"
        got = cli(source, "backup", "--out", str(out))
        assert got.returncode == 0, got.stderr
        during.append(out)
    _, err = importer.communicate()
    assert importer.returncode == 0, err
    after = snapshot(source)

    # Every backup taken during the imports is a consistent state: whole versions only.
    for b in during:
        zf, m = read_manifest(b)
        with zf:
            vs = [json.loads(x) for x in zf.read("tables/versions.jsonl").splitlines()]
        assert m.tables["dti_values"].rows == sum(v["n_values"] for v in vs)
        assert m.tables["versions"].rows == len(vs) in (6, 7, 8, 9)

    middle = during[len(during) // 2]
    targets = {"postgresql": db_url, "sqlite": f"sqlite:///{tmp_path / 'restored.db'}"}
    restored = {}
    for name, url in targets.items():
        res = cli(url, "restore", str(middle))
        assert res.returncode == 0, res.stderr
        assert "counts and checksums verified" in res.stdout
        restored[name] = snapshot(url)
    assert restored["postgresql"] == restored["sqlite"]
    # ... and it is the source as it was at some moment: a prefix of its versions.
    n = read_manifest(middle)[1].tables["versions"].rows
    expect = before if n == 6 else after if n == 9 else None
    if expect is not None:
        assert restored["sqlite"] == expect
    else:
        kept = {k: [v for v in vs if v["id"] <= n] for k, vs in after["versions"].items()}
        got = {
            k: [{**v, "current": False} for v in vs]
            for k, vs in restored["sqlite"]["versions"].items()
        }
        assert got == {k: [{**v, "current": False} for v in vs] for k, vs in kept.items()}
        assert restored["sqlite"]["audit"] == after["audit"][-len(restored["sqlite"]["audit"]) :]

    # The final state, restored both ways, is the source exactly (bytes of originals too).
    final = tmp_path / "final.zip"
    assert cli(source, "backup", "--out", str(final)).returncode == 0
    for name, url in targets.items():
        res = cli(url, "restore", str(final), "--force", "--safety-dir", str(tmp_path))
        assert res.returncode == 0, res.stderr
        assert snapshot(url) == after, name
    uploaded = {f.read_bytes() for f in files}
    assert uploaded <= {b for _, b in after["files"].values()}

    # PostgreSQL sequences were moved past the restored ids: new rows get fresh ids.
    pg = Store(db_url)
    rows = pg.version_values(pg.versions(2021, "63")[0].id)
    res2 = pg.import_version(2021, "63", rows, file_name="x.xlsx", file_bytes=b"x", user="t")
    assert res2.version.id == 10
    assert int(pg.audit_log(limit=1)["id"].iloc[0]) == len(after["audit"]) + 1
    pg.engine.dispose()


# --------------------------------------------------------------------------- refusals


def test_restore_over_data_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    src = f"sqlite:///{tmp_path / 'a.db'}"
    seeded(src).engine.dispose()
    out = tmp_path / "a.zip"
    assert cli(src, "backup", "--out", str(out)).returncode == 0
    target = tmp_path / "b.db"
    store = seeded(f"sqlite:///{target}")
    rows = store.version_values(store.versions(2023, "63")[0].id)
    store.import_version(2023, "63", rows.head(5), file_name="t.xlsx", file_bytes=b"t", user="u")
    before = snapshot(store.url, years=())
    res = cli(store.url, "restore", str(out))
    assert res.returncode == 1
    assert "already holds data" in res.stderr and "--force" in res.stderr
    assert "nothing was written" in res.stderr and "Traceback" not in res.stderr
    assert snapshot(store.url, years=()) == before
    store.engine.dispose()


def _rezip(src: Path, dst: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:
        for info in a.infolist():
            data = change.get(info.filename, a.read(info.filename))
            if data is not None:
                b.writestr(info.filename, data)


@pytest.mark.parametrize(
    "damage, message",
    [
        ("truncated", "not a readable zip file"),
        ("value changed", "does not match its checksum"),
        ("table missing", "is missing"),
        ("row count", "the manifest says"),
        ("original changed", "original file"),
        ("not a backup", "not a DTI store backup"),
    ],
)
def test_damaged_backup_is_refused_and_nothing_is_written(
    tmp_path: Path, damage: str, message: str
) -> None:
    _, good = backed_up_source(tmp_path, 2023)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        values = zf.read("tables/dti_values.jsonl")
        (orig,) = [n for n in zf.namelist() if n.startswith("files/")]
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "value changed":
        _rezip(good, bad, {"tables/dti_values.jsonl": values.replace(b"0.", b"0.9", 1)})
    elif damage == "table missing":
        _rezip(good, bad, {"tables/audit.jsonl": None})
    elif damage == "row count":
        manifest["tables"]["audit"]["rows"] += 1
        _rezip(good, bad, {"manifest.json": json.dumps(manifest).encode()})
    elif damage == "original changed":
        _rezip(good, bad, {orig: b"tampered"})
    else:
        manifest["format"] = "something-else"
        _rezip(good, bad, {"manifest.json": json.dumps(manifest).encode()})
    target = tmp_path / "target.db"
    res = cli(f"sqlite:///{target}", "restore", str(bad))
    assert res.returncode == 2
    assert message in res.stderr and "nothing was written" in res.stderr
    assert "Traceback" not in res.stderr
    assert not target.exists() or tables_of(f"sqlite:///{target}") == []


def test_force_replaces_after_writing_a_safety_backup(db_url: str, tmp_path: Path) -> None:
    src, backup = backed_up_source(tmp_path, 2021)

    target = seeded(db_url)
    target.rollback(2024, "34", 1, user="target-user")
    replaced_state = snapshot(db_url, years=())
    target.engine.dispose()
    safety = tmp_path / "safety"
    safety.mkdir()
    res = cli(db_url, "restore", str(backup), "--force", "--safety-dir", str(safety))
    assert res.returncode == 0, res.stderr
    (saved,) = list(safety.glob("dti-replaced-*.zip"))
    assert str(saved) in res.stdout
    assert snapshot(db_url, years=()) == snapshot(src, years=())
    # the safety backup holds exactly what was replaced
    other = f"sqlite:///{tmp_path / 'from-safety.db'}"
    assert cli(other, "restore", str(saved)).returncode == 0
    assert snapshot(other, years=()) == replaced_state
