"""Alembic migrations: a new store, a store made by release 1, and metadata == migrations.

The agreement test is the guard for everyone who changes data/store.py: a table or column
added to ``metadata`` without a revision in data/migrations/versions fails it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from data import migrate
from data.store import Store, StoreError, _engine, metadata
from tests.legacy import release1_store as r1

REPO = Path(__file__).resolve().parents[1]


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data", *args],
        cwd=REPO,
        env={**os.environ, "DTI_DB_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )


def _diff(engine: sa.engine.Engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)


def _revision(engine: sa.engine.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_one_linear_chain_from_the_baseline():
    script = ScriptDirectory.from_config(migrate.config())
    revs = list(script.walk_revisions())  # newest first
    assert len(script.get_heads()) == 1
    assert revs[-1].revision == "0001" and revs[-1].down_revision is None
    for newer, older in zip(revs, revs[1:], strict=False):
        assert newer.down_revision == older.revision


def test_new_store_is_at_head_and_matches_the_metadata(db_url):
    store = Store(db_url)
    store.init()
    assert _revision(store.engine) == migrate.head()
    assert _diff(store.engine) == []
    # init is idempotent and leaves the revision alone
    store.init()
    assert _revision(store.engine) == migrate.head()
    store.engine.dispose()


def test_release1_store_upgrades_in_place(db_url):
    engine = _engine(db_url)
    r1.init(engine)
    with engine.begin() as conn:
        vid = conn.execute(
            r1.versions.insert().values(
                edition=2022, unit_set="63", number=1, file_name="old.xlsx", sha256="ab" * 32,
                user="it", created_at="2026-01-01T00:00:00+00:00", n_values=1,
                file_bytes=b"original bytes",
            )
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(
            r1.values.insert().values(
                version_id=vid, province_code="30", indicator="dti", value=0.6383, source="x"
            )
        )
        conn.execute(r1.editions.insert().values(edition=2022, unit_set="63", current_version=vid))
        conn.execute(r1.meta.insert().values(key="data_version", value="stamp-r1"))
    assert _revision(engine) is None and migrate.state(engine).legacy

    out = _cli(db_url, "upgrade")
    assert out.returncode == 0, out.stderr
    assert f"-> {migrate.head()}" in out.stdout

    assert _revision(engine) == migrate.head()
    assert _diff(engine) == []
    store = Store(db_url)
    assert store.data_version() == "stamp-r1"
    assert store.seed_if_empty() is False  # the old data is kept, nothing seeded over it
    (v,) = store.versions(2022, "63")
    assert (v.number, v.file_name, v.current) == (1, "old.xlsx", True)
    assert store.version_file(v.id) == ("old.xlsx", b"original bytes")
    got = store.load_values()
    assert got[["province_code", "indicator", "value"]].to_dict("records") == [
        {"province_code": "30", "indicator": "dti", "value": 0.6383}
    ]
    with engine.connect() as conn:
        assert conn.execute(sa.text("select max(version) from schema_version")).scalar() == 1
    # a second upgrade is a no-op
    again = _cli(db_url, "upgrade")
    assert again.returncode == 0 and "already at revision" in again.stdout
    store.engine.dispose()
    engine.dispose()


def test_store_from_a_newer_release_is_refused(db_url):
    store = Store(db_url)
    store.init()
    with store.engine.begin() as conn:
        conn.execute(sa.text("update alembic_version set version_num = 'zz99_future'"))
    with pytest.raises(StoreError, match="newer release"):
        store.init()
    out = _cli(db_url, "init")
    assert out.returncode == 2
    assert "zz99_future" in out.stderr and "Traceback" not in out.stderr
    store.engine.dispose()


def test_concurrent_inits_agree(db_url):
    """Two processes starting on an empty store at once (as two app processes do)."""
    env = {**os.environ, "DTI_DB_URL": db_url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "data", "init"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [rc for _, _, rc in results] == [0, 0], "\n".join(e[-3000:] for _, e, _ in results)
    store = Store(db_url)
    assert _revision(store.engine) == migrate.head()
    assert (
        len(store.load_values()) == 2518
    )  # the bundle: 2,512 values of release 1 + 6 published totals (issue 16)
    assert pd.Series([v.number for v in store.versions(2022, "63")]).tolist() == [1]
    store.engine.dispose()
