"""The saved mappings' tables (data.mappings_store), on the store's metadata: the header and
province mappings every process shares, and the ones each version was produced with."""

from __future__ import annotations

import sqlalchemy as sa

from data.tables import metadata

saved_mappings = sa.Table(
    "saved_mappings",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),  # header | province
    sa.Column("unit_set", sa.String(8), primary_key=True),  # "" for a header
    sa.Column("name", sa.String(512), primary_key=True),  # the text as written
    sa.Column("target", sa.String(80), nullable=False),
    sa.Column("user", sa.String(128), nullable=False),
    sa.Column("saved_at", sa.String(32), nullable=False),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
)
version_mappings = sa.Table(
    "version_mappings",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("unit_set", sa.String(8), primary_key=True),
    sa.Column("name", sa.String(512), primary_key=True),
    sa.Column("target", sa.String(80), nullable=False),
)
