"""Engines and the write lock: SQLite (WAL) by default, any URL via DTI_DB_URL
(PostgreSQL is tested). ``data.store`` re-exports every name here.

A write transaction is serialised: SQLite takes the database's write lock up front
(``BEGIN IMMEDIATE``, SQLAlchemy's documented recipe); PostgreSQL waits at most the lock
timeout for the row a writer locks (``lock_row``). Waiting longer is ``ImportBusy``.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data.audit import log_after_commit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = f"sqlite:///{ROOT / 'dti.db'}"
LOCK_TIMEOUT_S = 30.0  # how long a write waits for another one before ImportBusy
WRITE = "dti_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)


class StoreError(RuntimeError):
    pass


class ImportBusy(StoreError):
    """Another import (or rollback) held the store longer than the lock timeout."""


def db_url() -> str:
    return os.environ.get("DTI_DB_URL") or DEFAULT_URL


def _engine(url: str, lock_timeout_s: float = LOCK_TIMEOUT_S) -> Engine:
    if url.startswith("sqlite"):
        eng = sa.create_engine(url, connect_args={"timeout": lock_timeout_s})

        @sa.event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            # SQLAlchemy's documented recipe: pysqlite would only BEGIN at the first
            # write, leaving reads inside a transaction unisolated; take over BEGIN.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @sa.event.listens_for(eng, "begin")
        def _begin(conn: Connection) -> None:
            # A writer takes the database's write lock up front, so whatever it reads
            # (the next version number, the current version) stays true until commit.
            write = conn.get_execution_options().get(WRITE)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return log_after_commit(eng)
    # connect_timeout: an unreachable server fails a page or `data check` in seconds.
    return log_after_commit(
        sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    )


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot be reached (server down, file gone,
    connection lost), as opposed to a bug or bad input."""
    return isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError) or (
        isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated
    )


def is_lock_timeout(exc: sa.exc.DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return (
        "database is locked" in text
        or "lock timeout" in text
        or getattr(exc.orig, "sqlstate", None) in {"55P03", "40P01", "40001"}
    )


def lock_row(
    conn: Connection, table: sa.Table, key: dict[str, object], **defaults: object
) -> sa.RowMapping:
    """Lock one row (inserting it with ``key`` and ``defaults`` first if missing) inside
    a write transaction and return it. PostgreSQL: ``SELECT … FOR UPDATE``, after an
    ``INSERT … ON CONFLICT DO NOTHING`` when the row is missing; SQLite: ``BEGIN
    IMMEDIATE`` already locked everything."""
    locked = sa.select(table).where(*[table.c[k] == v for k, v in key.items()]).with_for_update()
    row = conn.execute(locked).mappings().first()
    if row is not None:
        return row
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(table).values(**key, **defaults).on_conflict_do_nothing())
    else:
        conn.execute(table.insert().values(**key, **defaults))
    return conn.execute(locked).mappings().one()
