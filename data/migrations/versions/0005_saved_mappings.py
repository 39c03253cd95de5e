"""Saved header and province mappings in the store (issue 14): shared by every app process
and the CLI, audited, and recorded with the version they produced (``version_mappings``).
Release 2's JSON files in DTI_CONFIG_DIR are adopted by the first import (see
data.mappings_store).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_mappings",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("unit_set", sa.String(8), primary_key=True),
        sa.Column("name", sa.String(512), primary_key=True),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("saved_at", sa.String(32), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
    )
    op.create_table(
        "version_mappings",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("unit_set", sa.String(8), primary_key=True),
        sa.Column("name", sa.String(512), primary_key=True),
        sa.Column("target", sa.String(80), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("version_mappings")
    op.drop_table("saved_mappings")
