"""Frameworks in the store (issue 10): versions per (edition, unit set), their nodes
(a tree: ``parent_code``), and the current-version pointer. data.store.Store.init seeds
them from data/files/frameworks.csv once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "framework_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("edition", sa.Integer, nullable=False),
        sa.Column("unit_set", sa.String(8), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("total_points", sa.Double, nullable=False),
        sa.UniqueConstraint("edition", "unit_set", "number"),
    )
    op.create_table(
        "framework_nodes",
        sa.Column(
            "framework_id", sa.Integer, sa.ForeignKey("framework_versions.id"), primary_key=True
        ),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("node_group", sa.String(16), nullable=False),
        sa.Column("points", sa.Double, nullable=True),
        sa.Column("pillars", sa.String(64), nullable=False),
        sa.Column("label_vi", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text, nullable=False),
    )
    op.create_table(
        "framework_heads",
        sa.Column("edition", sa.Integer, primary_key=True),
        sa.Column("unit_set", sa.String(8), primary_key=True),
        sa.Column("current_id", sa.Integer, sa.ForeignKey("framework_versions.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("framework_heads")
    op.drop_table("framework_nodes")
    op.drop_table("framework_versions")
