"""Schema migrations: Alembic revisions in data/migrations/versions, one linear chain.

``upgrade(engine)`` brings any store to the head revision: a new database gets every
table; a store made by the first release (tables from ``create_all``, no
``alembic_version``) is recognised by the baseline revision, which creates only what is
missing, and is then upgraded in place. Concurrent callers (several app processes starting
at once) are serialised by ``exclusive``.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, Engine

from data.logs import event

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: identifies "the DTI schema migration" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 0x44_54_49_15


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: no alembic_version (new, or made by the first release)
    head: str
    legacy: bool  # tables exist but no revision recorded (first release)

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    heads = ScriptDirectory.from_config(config()).get_heads()
    if len(heads) != 1:
        raise MigrationError(f"the migrations must form one chain; heads: {', '.join(heads)}")
    return heads[0]


def current(conn: Connection) -> str | None:
    """The store's revision (None: no alembic_version)."""
    return MigrationContext.configure(conn).get_current_revision()


def state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        rev = current(conn)
        legacy = rev is None and sa.inspect(conn).has_table("versions")
    return SchemaState(rev, head(), legacy)


def known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(config()).get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


@contextlib.contextmanager
def exclusive(engine: Engine) -> Iterator[None]:
    """Hold the store's maintenance lock (schema upgrade, first seeding) across
    transactions and processes: a PostgreSQL session advisory lock, or a lock file beside a
    SQLite file."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
        return
    path = engine.url.database
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Upgrade the store to the head revision; returns (revision before, revision after).
    Raises MigrationError when the store was made by a newer program."""
    before = state(engine)
    if before.current is not None and not known(before.current):
        raise MigrationError(
            f"the database is at schema revision {before.current}, which this program does not "
            f"know (its newest is {before.head}): it was made by a newer release; upgrade the "
            "program rather than the database"
        )
    if before.at_head:
        return before.current, before.head
    with exclusive(engine):
        if state(engine).at_head:  # another process upgraded while we waited
            return before.current, before.head
        # One transaction: on PostgreSQL (transactional DDL) all of it commits or none does.
        with engine.begin() as conn:
            command.upgrade(config(conn), "head")
    event("schema_upgrade", before=before.current, after=before.head, legacy=before.legacy)
    return before.current, state(engine).current or before.head


def readiness(engine: Engine) -> tuple[bool, str]:
    """Is the store usable by this program: reachable, and its schema at the head revision?
    Writes nothing (a missing SQLite file is not created)."""
    url = engine.url
    local = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if local and not Path(str(url.database)).exists():
        return False, f"no store file at {url.database}: run `python -m data init`"
    try:
        st = state(engine)
    except sa.exc.SQLAlchemyError as exc:
        why = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return False, f"database unreachable ({why})"
    if st.current is None:
        return False, "the store has no schema revision: run `python -m data upgrade`"
    if not known(st.current):
        return False, f"schema revision {st.current} is newer than this program ({st.head})"
    if not st.at_head:
        return (
            False,
            f"schema at {st.current}, this program needs {st.head}: run `python -m data upgrade`",
        )
    return True, f"schema at {st.head}"
