"""Baseline: the schema of the first release (schema_version 1).

Revision ID: 0001
Revises:
Create Date: 2026-12-01

A store made by that release (``metadata.create_all`` without Alembic) already has these
tables: each one is created only when missing, so upgrading such a store only records the
revision. Never edit this file; add a revision after the current head instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def _tables(meta: sa.MetaData) -> list[sa.Table]:
    """The release-1 schema, frozen here (data/store.py moves on)."""
    return [
        sa.Table(
            "schema_version",
            meta,
            sa.Column("version", sa.Integer, primary_key=True),
            sa.Column("applied_at", sa.String(32), nullable=False),
        ),
        sa.Table(
            "meta",
            meta,
            sa.Column("key", sa.String(64), primary_key=True),
            sa.Column("value", sa.String(256), nullable=False),
        ),
        sa.Table(
            "editions",
            meta,
            sa.Column("edition", sa.Integer, primary_key=True),
            sa.Column("unit_set", sa.String(2), primary_key=True),
            sa.Column("current_version", sa.Integer, nullable=True),
        ),
        sa.Table(
            "versions",
            meta,
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
        ),
        sa.Table(
            "dti_values",
            meta,
            sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
            sa.Column("province_code", sa.String(2), primary_key=True),
            sa.Column("indicator", sa.String(32), primary_key=True),
            sa.Column("value", sa.Double, nullable=True),
            sa.Column("source", sa.Text, nullable=False),
        ),
        sa.Table(
            "audit",
            meta,
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
        ),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    meta = sa.MetaData()
    tables = _tables(meta)
    existing = set(sa.inspect(bind).get_table_names())
    # In dependency order (versions before dti_values); checkfirst keeps an existing table.
    meta.create_all(bind, tables=[t for t in tables if t.name not in existing])
    version = meta.tables["schema_version"]
    if bind.execute(sa.select(sa.func.count()).select_from(version)).scalar() == 0:
        op.bulk_insert(
            version,
            [{"version": 1, "applied_at": datetime.now(UTC).isoformat(timespec="seconds")}],
        )


def downgrade() -> None:
    for name in ("audit", "dti_values", "versions", "editions", "meta", "schema_version"):
        op.drop_table(name)
