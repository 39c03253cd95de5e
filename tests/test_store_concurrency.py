"""Imports are serialised and all-or-nothing, on SQLite and on a real PostgreSQL server:
a failure after the version row is written leaves the store byte-identical, concurrent
imports (threads and processes) each get their own version number or a clear "busy"
refusal, a stale preview is refused, and an import killed with SIGKILL at any moment
leaves a consistent, usable store."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from data.store import (
    ImportBusy,
    PendingImport,
    StalePreview,
    Store,
    StoreError,
    metadata,
)

REPO = Path(__file__).resolve().parents[1]

# A worker process: imports N distinct files of edition 2022 (63 units), one per loop.
WORKER = """
import sys
import pandas as pd
from data.store import Store, ImportBusy
url, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = Store(url)
base = s.load_values()
base = base[(base["edition"] == 2022) & (base["unit_set"] == "63")]
for i in range(n):
    rows = base[["province_code", "indicator", "value", "source"]].copy()
    rows["value"] = (rows["value"] * 0.5 + 0.001 * (i + 1)).round(4)
    rows["source"] = f"upload:{tag}-{i}.xlsx"
    try:
        out = s.import_version(2022, "63", rows, file_name=f"{tag}-{i}.xlsx",
                               file_bytes=f"{tag}-{i}".encode(), user=tag)
        print("created", out.version.number, flush=True)
    except ImportBusy:
        print("busy", flush=True)
"""


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    s.seed_if_empty()
    yield s
    s.engine.dispose()


def _rows(store: Store, edition: int = 2022, bump: float = 0.001, tag: str = "t") -> pd.DataFrame:
    cur = store.load_values()
    part = cur[(cur["edition"] == edition) & (cur["unit_set"] == "63")]
    out = part[["province_code", "indicator", "value", "source"]].copy()
    out["value"] = (out["value"] + bump).clip(upper=1.0).round(4)
    out["source"] = f"upload:{tag}.xlsx"
    return out.reset_index(drop=True)


def _item(store: Store, tag: str, edition: int = 2022, **kw: object) -> PendingImport:
    return PendingImport(
        edition,
        "63",
        _rows(store, edition, tag=tag),
        f"{tag}.xlsx",
        tag.encode(),
        **kw,  # type: ignore[arg-type]
    )


def snapshot(store: Store) -> object:
    """SQLite: the database file's bytes (after a checkpoint); PostgreSQL: every table's
    rows in key order."""
    if store.url.startswith("sqlite"):
        store.engine.dispose()  # the last connection closing checkpoints the WAL
        path = Path(store.url.removeprefix("sqlite:///"))
        assert not Path(f"{path}-wal").exists()
        return path.read_bytes()
    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(t).order_by(*t.primary_key.columns or t.c)).all()
            for t in metadata.sorted_tables
            if sa.inspect(conn).has_table(t.name)
        }


def consistent(store: Store) -> None:
    """Every current pointer names a version of its own edition, every version holds as
    many values as it says, SQLite's own check passes, and the store still imports."""
    with store.engine.connect() as conn:
        if store.url.startswith("sqlite"):
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        bad = conn.exec_driver_sql(
            "SELECT e.edition FROM editions e LEFT JOIN versions v ON v.id = e.current_version"
            " WHERE e.current_version IS NOT NULL AND (v.id IS NULL OR v.edition <> e.edition"
            " OR v.unit_set <> e.unit_set)"
        ).all()
        assert bad == []
        counts = conn.exec_driver_sql(
            "SELECT v.id, v.n_values, COUNT(d.version_id) FROM versions v"
            " LEFT JOIN dti_values d ON d.version_id = v.id GROUP BY v.id, v.n_values"
        ).all()
        assert all(n == got for _, n, got in counts), counts
        numbers = conn.exec_driver_sql(
            "SELECT edition, unit_set, COUNT(*), COUNT(DISTINCT number), MAX(number)"
            " FROM versions GROUP BY edition, unit_set"
        ).all()
        assert all(c == d == m for _, _, c, d, m in numbers), numbers
    vs = store.versions(2022, "63")
    out = store.import_batch([_item(store, f"after-{len(vs)}")], user="check", replace=True)
    assert out[0].status == "created"
    assert out[0].version is not None and out[0].version.number == vs[-1].number + 1


def test_failure_after_the_version_row_leaves_the_store_byte_identical(store: Store) -> None:
    items = [_item(store, "a", 2021), _item(store, "b", 2022)]
    before = snapshot(store)

    def fail_at_audit(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        # The 2022 file's version row and values are written by then.
        if statement.startswith("INSERT INTO audit") and "b.xlsx" in str(params):
            raise RuntimeError("injected failure")

    sa.event.listen(store.engine, "before_cursor_execute", fail_at_audit)
    try:
        with pytest.raises(RuntimeError, match="injected failure"):
            store.import_batch(items, user="u", replace=True)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", fail_at_audit)
    assert snapshot(store) == before
    consistent(store)


def test_a_multi_file_import_is_one_transaction(store: Store) -> None:
    good = _item(store, "good", 2021)
    bad_rows = _rows(store, 2022, tag="bad")
    bad = PendingImport(2022, "63", pd.concat([bad_rows, bad_rows.head(1)]), "bad.xlsx", b"bad")
    stamp = store.data_version()
    with pytest.raises(StoreError, match="duplicate key"):
        store.import_batch([good, bad], user="u", replace=True)
    assert [v.number for v in store.versions(2021, "63")] == [1]
    assert store.data_version() == stamp
    out = store.import_batch([good, _item(store, "ok", 2022)], user="u", replace=True)
    assert [(r.status, r.version.number) for r in out] == [("created", 2), ("created", 2)]  # type: ignore[union-attr]


def test_needs_replace_holds_the_whole_batch(store: Store) -> None:
    before = snapshot(store)
    out = store.import_batch([_item(store, "x", 2021)], user="u", replace=False)
    assert [r.status for r in out] == ["needs_replace"]
    assert snapshot(store) == before


def test_identical_file_is_one_rule(store: Store) -> None:
    """Uploading version 2's file again while version 3 is current: "identical to
    version 2", made current with replace, refused without it; the same file while it is
    current writes nothing."""
    v2 = store.import_batch([_item(store, "two")], user="u", replace=True)[0]
    store.import_batch([_item(store, "three")], user="u", replace=True)
    again = _item(store, "two")
    same = store.identical_version(2022, "63", again.digest())
    assert same is not None and same.number == 2 and not same.current
    assert store.import_batch([again], user="u", replace=False)[0].status == "needs_replace"
    out = store.import_batch([again], user="u", replace=True)[0]
    assert out.status == "restored" and out.version is not None
    assert out.version.number == 2 and out.version.current and v2.version is not None
    stamp = store.data_version()
    assert store.import_batch([again], user="u", replace=False)[0].status == "identical"
    assert store.data_version() == stamp
    assert [v.number for v in store.versions(2022, "63")] == [1, 2, 3]
    assert list(store.audit_log()["action"][:1]) == ["reimport"]


def test_a_stale_preview_is_refused(store: Store) -> None:
    basis = store.current_ids()[(2022, "63")]
    store.import_batch([_item(store, "meanwhile")], user="other", replace=True)
    before = snapshot(store)
    with pytest.raises(StalePreview, match="changed since the preview"):
        store.import_batch(
            [_item(store, "mine", basis=basis, check_basis=True)], user="u", replace=True
        )
    assert snapshot(store) == before
    fresh = store.current_ids()[(2022, "63")]
    out = store.import_batch(
        [_item(store, "mine", basis=fresh, check_basis=True)], user="u", replace=True
    )
    assert out[0].status == "created"


def test_concurrent_imports_in_threads_get_distinct_numbers(db_url: str) -> None:
    Store(db_url).seed_if_empty()
    n = 6
    results: list[object] = []
    start = threading.Barrier(n)

    def run(i: int) -> None:
        s = Store(db_url)
        item = _item(s, f"thread-{i}")
        start.wait()
        try:
            results.append(s.import_batch([item], user=f"t{i}", replace=True)[0])
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            results.append(exc)
        finally:
            s.engine.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(getattr(r, "status", None) == "created" for r in results), results
    numbers = sorted(r.version.number for r in results)  # type: ignore[attr-defined]
    assert numbers == list(range(2, n + 2))
    s = Store(db_url)
    assert [v.number for v in s.versions(2022, "63")] == list(range(1, n + 2))
    consistent(s)


def test_a_writer_holding_the_lock_makes_others_busy_not_crash(db_url: str) -> None:
    holder, waiter = Store(db_url), Store(db_url, lock_timeout_s=0.5)
    holder.seed_if_empty()
    item = _item(waiter, "late")
    with holder.write() as conn:
        holder._lock_edition(conn, 2022, "63")
        with pytest.raises(ImportBusy, match="another import is running, try again"):
            waiter.import_batch([item], user="u", replace=True)
    assert waiter.import_batch([item], user="u", replace=True)[0].status == "created"


def _worker(url: str, tag: str, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, tag, str(n)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_imports_in_processes(db_url: str) -> None:
    Store(db_url).seed_if_empty()
    procs = [_worker(db_url, f"p{i}", 3) for i in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _, e in outs]
    assert not [e for _, e in outs if "Traceback" in e or "Error" in e], [e for _, e in outs]
    created = [int(line.split()[1]) for o, _ in outs for line in o.splitlines()]
    assert sorted(created) == list(range(2, 11))
    consistent(Store(db_url))


def test_sigkill_at_random_moments_leaves_a_consistent_store(db_url: str) -> None:
    Store(db_url).seed_if_empty()
    rng = random.Random(12)
    for round_ in range(5):
        # far more imports than fit in the wait: the kill always lands mid-run
        proc = _worker(db_url, f"k{round_}", 100_000)
        time.sleep(rng.uniform(0.8, 3.0))  # somewhere in start-up or mid-import
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        consistent(Store(db_url))


def test_cli_import_while_another_holds_the_store_says_try_again(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingest_fixtures import detail_workbook

    from data.__main__ import main

    monkeypatch.setenv("DTI_DB_URL", db_url)
    monkeypatch.setenv("DTI_LOCK_TIMEOUT_S", "0.5")
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    holder = Store(db_url, lock_timeout_s=30)
    holder.seed_if_empty()
    f = tmp_path / "dti_2022.xlsx"
    f.write_bytes(detail_workbook())
    before = snapshot(holder) if db_url.startswith("postgresql") else None
    with holder.write() as conn:
        holder._lock_edition(conn, 2022, "63")
        assert main(["import", str(f), "--replace", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "refused: Another import is running; nothing was stored. Please try again" in err
    # (a log handler left from an earlier test may complain about its closed stream)
    assert "OperationalError" not in err and "ImportBusy" not in err
    if before is not None:
        assert snapshot(holder) == before
    assert [v.number for v in holder.versions(2022, "63")] == [1]
    assert main(["import", str(f), "--replace", "--lang", "en"]) == 0
