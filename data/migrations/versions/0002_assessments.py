"""The province's own assessments (issue 11): unit registries, assessments, editions,
versions, framework trees and criterion values.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_registries",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("current_version", sa.Integer, nullable=True),
    )
    op.create_table(
        "registry_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("registry_key", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("source", sa.String(512), nullable=False),
        sa.UniqueConstraint("registry_key", "number"),
    )
    op.create_table(
        "registry_units",
        sa.Column(
            "registry_version_id",
            sa.Integer,
            sa.ForeignKey("registry_versions.id"),
            primary_key=True,
        ),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name_vi", sa.String(256), nullable=False),
        sa.Column("name_en", sa.String(256), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
    )
    op.create_table(
        "assessments",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("registry_key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "assessment_editions",
        sa.Column("assessment_key", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("current_version", sa.Integer, nullable=True),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("published_at", sa.String(32), nullable=True),
        sa.Column("published_by", sa.String(128), nullable=True),
    )
    op.create_table(
        "assessment_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assessment_key", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("file_name", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("n_values", sa.Integer, nullable=False),
        sa.Column("layout", sa.String(32), nullable=False),
        sa.Column("file_bytes", sa.LargeBinary, nullable=True),
        sa.UniqueConstraint("assessment_key", "year", "number"),
    )
    op.create_table(
        "assessment_nodes",
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("assessment_versions.id"), primary_key=True
        ),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("label_vi", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text, nullable=True),
        sa.Column("max_points", sa.Double, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "assessment_values",
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("assessment_versions.id"), primary_key=True
        ),
        sa.Column("unit_code", sa.String(64), primary_key=True),
        sa.Column("node_code", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("value", sa.Double, nullable=False),
    )


def downgrade() -> None:
    for name in (
        "assessment_values",
        "assessment_nodes",
        "assessment_versions",
        "assessment_editions",
        "assessments",
        "registry_units",
        "registry_versions",
        "unit_registries",
    ):
        op.drop_table(name)
