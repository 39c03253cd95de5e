"""Tables of the province's own assessments (see ``data.assessments_store``), declared on
``data.tables.metadata`` (re-exported as ``data.store.metadata``) so that ``Store.init``,
backups and migrations see them."""

from __future__ import annotations

import sqlalchemy as sa

from data.tables import metadata

KINDS: tuple[str, ...] = ("self", "appraised", "final")

unit_registries = sa.Table(
    "unit_registries",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(256), nullable=False),
    sa.Column("current_version", sa.Integer, nullable=True),
)
registry_versions = sa.Table(
    "registry_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("registry_key", sa.String(64), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("user", sa.String(128), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("source", sa.String(512), nullable=False),
    sa.UniqueConstraint("registry_key", "number"),
)
registry_units = sa.Table(
    "registry_units",
    metadata,
    sa.Column(
        "registry_version_id", sa.Integer, sa.ForeignKey("registry_versions.id"), primary_key=True
    ),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name_vi", sa.String(256), nullable=False),
    sa.Column("name_en", sa.String(256), nullable=True),
    sa.Column("kind", sa.String(32), nullable=False),
)
assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(256), nullable=False),
    sa.Column("registry_key", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
)
assessment_editions = sa.Table(
    "assessment_editions",
    metadata,
    sa.Column("assessment_key", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("current_version", sa.Integer, nullable=True),
    sa.Column("published", sa.Boolean, nullable=False, default=False),
    sa.Column("published_at", sa.String(32), nullable=True),
    sa.Column("published_by", sa.String(128), nullable=True),
)
assessment_versions = sa.Table(
    "assessment_versions",
    metadata,
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
assessment_nodes = sa.Table(
    "assessment_nodes",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("assessment_versions.id"), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("parent_code", sa.String(64), nullable=True),
    sa.Column("label_vi", sa.Text, nullable=False),
    sa.Column("label_en", sa.Text, nullable=True),
    sa.Column("max_points", sa.Double, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)
assessment_values = sa.Table(
    "assessment_values",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("assessment_versions.id"), primary_key=True),
    sa.Column("unit_code", sa.String(64), primary_key=True),
    sa.Column("node_code", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("value", sa.Double, nullable=False),
)

NODE_COLUMNS = ["code", "parent_code", "label_vi", "label_en", "max_points", "position"]
VALUE_COLUMNS = ["unit_code", "node_code", "kind", "value"]
UNIT_COLUMNS = ["code", "name_vi", "name_en", "kind"]
