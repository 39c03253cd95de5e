"""Alembic environment for the DTI store.

The target schema is ``data.store.metadata``. ``data.migrate`` normally runs this with an
open connection (``config.attributes["connection"]``) so it can hold a lock around the
upgrade; the ``alembic`` command line (``alembic -c data/migrations/alembic.ini ...``)
uses DTI_DB_URL or the default SQLite file.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from data.store import _engine, db_url, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = _engine(config.get_main_option("sqlalchemy.url") or db_url())
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run `python -m data upgrade`")
run_migrations_online()
