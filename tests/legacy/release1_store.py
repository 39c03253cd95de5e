"""The schema code of release 1 (commit a50639d, before Alembic), verbatim: its tables and
``Store.init()``, which made a store with ``create_all`` and a ``schema_version`` row and no
``alembic_version``. Never edit: it stands for stores already in the field."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SCHEMA_VERSION = 1

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.String(32), nullable=False),
)
meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)
editions = sa.Table(
    "editions",
    metadata,
    sa.Column("edition", sa.Integer, primary_key=True),
    sa.Column("unit_set", sa.String(2), primary_key=True),
    sa.Column("current_version", sa.Integer, nullable=True),
)
versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("edition", sa.Integer, nullable=False),
    sa.Column("unit_set", sa.String(2), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("file_name", sa.String(512), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("user", sa.String(128), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("n_values", sa.Integer, nullable=False),
    sa.Column("file_bytes", sa.LargeBinary, nullable=True),
    sa.UniqueConstraint("edition", "unit_set", "number"),
)
values = sa.Table(
    "dti_values",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("province_code", sa.String(2), primary_key=True),
    sa.Column("indicator", sa.String(32), primary_key=True),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("source", sa.Text, nullable=False),
)
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("user", sa.String(128), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("edition", sa.Integer, nullable=True),
    sa.Column("unit_set", sa.String(2), nullable=True),
    sa.Column("version_id", sa.Integer, nullable=True),
    sa.Column("file_name", sa.String(512), nullable=True),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
)


def init(engine: Engine) -> None:
    """Release 1's ``Store.init()``."""
    metadata.create_all(engine)
    with engine.begin() as conn:
        got = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
        if got is None:
            conn.execute(
                schema_version.insert().values(
                    version=SCHEMA_VERSION, applied_at=datetime.now(UTC).isoformat()
                )
            )
