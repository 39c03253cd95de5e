"""The store's schema: SQLAlchemy Core tables on one ``metadata`` (the national values,
their versions and current pointers, the frameworks, the audit trail, sign-in throttling).

The own assessments' tables (``data.assessments_schema``) are declared on the same
metadata; they are imported at the bottom so every user of the metadata (``Store.init``,
backups, migrations) sees them. ``data.store`` re-exports every name here.
"""

from __future__ import annotations

import sqlalchemy as sa

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

# Frameworks per (edition, unit set), versioned like values (data.frameworks); nodes form a tree (parent_code).
framework_versions = sa.Table(
    "framework_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("edition", sa.Integer, nullable=False),
    sa.Column("unit_set", sa.String(8), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # official | assumed | declared
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("user", sa.String(128), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("total_points", sa.Double, nullable=False),
    sa.UniqueConstraint("edition", "unit_set", "number"),
)
framework_nodes = sa.Table(
    "framework_nodes",
    metadata,
    sa.Column("framework_id", sa.Integer, sa.ForeignKey("framework_versions.id"), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("parent_code", sa.String(64), nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("node_group", sa.String(16), nullable=False),
    sa.Column("points", sa.Double, nullable=True),
    sa.Column("pillars", sa.String(64), nullable=False),
    sa.Column("label_vi", sa.Text, nullable=False),
    sa.Column("label_en", sa.Text, nullable=False),
)
framework_heads = sa.Table(
    "framework_heads",
    metadata,
    sa.Column("edition", sa.Integer, primary_key=True),
    sa.Column("unit_set", sa.String(8), primary_key=True),
    sa.Column("current_id", sa.Integer, sa.ForeignKey("framework_versions.id"), nullable=False),
)
sign_in_attempts = sa.Table(
    "sign_in_attempts",
    metadata,
    # "user:<sha256 of the typed name>" or "addr:<client address>"; never a password
    sa.Column("subject", sa.String(160), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
    sa.Column("last_failure", sa.Float, nullable=False, default=0.0),
)


# The internal assessments' and the saved mappings' tables live in their own modules on the
# same metadata.
from data import assessments_schema as _assessments_schema  # noqa: E402, F401
from data import mappings_schema as _mappings_schema  # noqa: E402, F401
