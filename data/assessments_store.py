"""The province's own assessments (internal DTI) in the store: unit registries, framework
trees and criterion scores, versioned like the national editions.

Tables share ``data.store.metadata`` (so ``Store.init``, backups and migrations see them),
the audit table and the data-version stamp. Every write happens in one transaction with
its audit row and the stamp bump; nothing is ever deleted: a new upload is a new version,
a rollback moves the current pointer, publishing flips a flag.

- ``unit_registries`` / ``registry_versions`` / ``registry_units``: a named list of units
  (departments, communes ...) with codes, vi names, optional en names and a kind. Each
  registration of new units makes a new registry version holding the full list.
- ``assessments``: a slug key chosen by the Department (``so-nganh``), a title, its registry.
- ``assessment_editions``: (assessment, year) with the current version and published flag.
- ``assessment_versions``: one upload (file name, sha256, original bytes, user, time).
- ``assessment_nodes``: the framework tree of a version (code, parent code, labels, maximum
  points, order). A separate table from the national frameworks on purpose (see README).
- ``assessment_values``: (version, unit, node, kind) -> points; kind is self | appraised |
  final (final = appraised where given, else self).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.assessments_schema import (
    KINDS,
    NODE_COLUMNS,
    UNIT_COLUMNS,
    VALUE_COLUMNS,
    assessment_editions,
    assessment_nodes,
    assessment_values,
    assessment_versions,
    assessments,
    registry_units,
    registry_versions,
    unit_registries,
)
from data.audit import Change, bump, record
from data.audit import now as _now
from data.store import Store, StoreError
from data.versioned import Versioned, as_record

__all__ = ["KINDS", "AssessmentData", "AssessmentStore"]

# An assessment's edition: versions per (assessment, year), assessment_editions.current_version.
ASSESSMENTS = Versioned(assessment_versions, assessment_editions, ("assessment_key", "year"))
# A unit registry: versions per registry (each the full list), unit_registries.current_version.
REGISTRIES = Versioned(
    registry_versions, unit_registries, ("registry_key",), head_key=("key",), audit_id=False
)


@dataclass(frozen=True)
class AssessmentVersion:
    id: int
    assessment_key: str
    year: int
    number: int
    file_name: str
    sha256: str
    user: str
    created_at: str
    n_values: int
    layout: str
    current: bool


@dataclass(frozen=True)
class EditionInfo:
    assessment_key: str
    title: str
    year: int
    published: bool
    current_version: int | None


@dataclass(frozen=True)
class AssessmentImport:
    version: AssessmentVersion
    created: bool  # False: an identical file was already stored for the edition
    registered: list[str]  # codes of units newly added to the registry


class AssessmentStore:
    """Reads and writes of the internal assessments, on a ``data.store.Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # ----- reads --------------------------------------------------------------------
    def assessment(self, key: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(assessments).where(assessments.c.key == key)).first()
        return dict(row._mapping) if row else None

    def units(self, registry_key: str) -> pd.DataFrame:
        """The current units of a registry (code, name_vi, name_en, kind); empty if none."""
        with self.engine.connect() as conn:
            return self._units(conn, registry_key)

    def editions(self, include_unpublished: bool = False) -> list[EditionInfo]:
        q = (
            sa.select(
                assessment_editions.c.assessment_key,
                assessments.c.title,
                assessment_editions.c.year,
                assessment_editions.c.published,
                assessment_editions.c.current_version,
            )
            .select_from(
                assessment_editions.join(
                    assessments, assessments.c.key == assessment_editions.c.assessment_key
                )
            )
            .where(assessment_editions.c.current_version.is_not(None))
            .order_by(assessment_editions.c.assessment_key, assessment_editions.c.year.desc())
        )
        if not include_unpublished:
            q = q.where(assessment_editions.c.published.is_(True))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [EditionInfo(r[0], r[1], int(r[2]), bool(r[3]), r[4]) for r in rows]

    def edition(self, key: str, year: int) -> EditionInfo | None:
        found = [
            e
            for e in self.editions(include_unpublished=True)
            if e.assessment_key == key and e.year == year
        ]
        return found[0] if found else None

    def load(self, key: str, year: int, version_id: int | None = None) -> AssessmentData | None:
        """Nodes, values and units of the current (or given) version of an edition."""
        with self.engine.connect() as conn:
            a = conn.execute(sa.select(assessments).where(assessments.c.key == key)).first()
            if a is None:
                return None
            vid = (
                version_id
                or conn.execute(
                    sa.select(assessment_editions.c.current_version).where(_edition_of(key, year))
                ).scalar()
            )
            if vid is None:
                return None
            nodes = pd.DataFrame(
                conn.execute(
                    sa.select(*[assessment_nodes.c[c] for c in NODE_COLUMNS])
                    .where(assessment_nodes.c.version_id == vid)
                    .order_by(assessment_nodes.c.position)
                ).all(),
                columns=NODE_COLUMNS,
            )
            vals = pd.DataFrame(
                conn.execute(
                    sa.select(*[assessment_values.c[c] for c in VALUE_COLUMNS]).where(
                        assessment_values.c.version_id == vid
                    )
                ).all(),
                columns=VALUE_COLUMNS,
            )
            units = self._units(conn, a.registry_key)
        vals["value"] = vals["value"].astype(float)
        nodes["max_points"] = nodes["max_points"].astype(float)
        return AssessmentData(key, str(a.title), year, nodes, vals, units)

    def versions(self, key: str, year: int) -> list[AssessmentVersion]:
        with self.engine.connect() as conn:
            rows, cur = ASSESSMENTS.history(conn, (key, year))
        return [_info(r, cur) for r in rows]

    def version_file(self, version_id: int) -> tuple[str, bytes | None]:
        with self.engine.connect() as conn:
            row = ASSESSMENTS.get(conn, version_id)
        return row["file_name"], row["file_bytes"]

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table of this module, sorted (tests compare before/after)."""
        out = {}
        with self.engine.connect() as conn:
            for t in (
                unit_registries,
                registry_versions,
                registry_units,
                assessments,
                assessment_editions,
                assessment_versions,
                assessment_nodes,
                assessment_values,
            ):
                out[t.name] = sorted((tuple(r) for r in conn.execute(sa.select(t)).all()), key=repr)
        return out

    # ----- writes -------------------------------------------------------------------
    def register_units(
        self, registry_key: str, units: pd.DataFrame, *, user: str, source: str, title: str = ""
    ) -> list[str]:
        """Add ``units`` (code, name_vi, name_en, kind) to a registry as a new registry
        version (audited); returns the codes added. Known codes are kept as they are."""
        with self.store.write() as conn:
            added = self._register(conn, registry_key, units, user, source, title)
            if added:
                bump(conn)
        return added

    def import_edition(
        self,
        key: str,
        year: int,
        *,
        nodes: pd.DataFrame,
        values: pd.DataFrame,
        new_units: pd.DataFrame | None,
        layout: str,
        file_name: str,
        file_bytes: bytes,
        user: str,
        title: str | None = None,
    ) -> AssessmentImport:
        """Store a parsed workbook as a new current version of (assessment, year), all or
        nothing. The first import creates the assessment (and its registry, keyed like the
        assessment); ``new_units`` are registered in the same transaction. A new version is
        unpublished until ``publish``; an identical file (sha256) creates nothing."""
        sha = hashlib.sha256(file_bytes).hexdigest()
        ekey = (key, year)
        with self.store.write() as conn:
            registry = self._ensure_assessment(conn, key, year, title, user, file_name, sha)
            cur = ASSESSMENTS.lock(conn, ekey)
            existing = ASSESSMENTS.find(conn, ekey, assessment_versions.c.sha256 == sha)
            if existing is not None:
                return AssessmentImport(_info(existing, cur), False, [])
            added: list[str] = []
            if new_units is not None and len(new_units):
                source = f"upload:{file_name}"
                added = self._register(conn, registry, new_units, user, source, title or key)
            unknown = set(values["unit_code"]) - set(self._units(conn, registry)["code"])
            if unknown:
                raise StoreError(f"units not in registry {registry}: {sorted(unknown)}")
            row = {
                "file_name": file_name,
                "sha256": sha,
                "user": user,
                "created_at": _now(),
                "n_values": len(values),
                "layout": layout,
                "file_bytes": file_bytes,
            }
            detail = {"assessment": key, "n_values": len(values), "added": added}
            change = Change(user, "assessment_import", year, None, file_name, sha, detail)
            vid, _number = ASSESSMENTS.add(
                conn,
                ekey,
                row,
                change,
                fill=lambda vid: _write_tree(conn, vid, nodes, values),
                published=False,
                published_at=None,
                published_by=None,
            )
            bump(conn)
            return AssessmentImport(_info(ASSESSMENTS.get(conn, vid), vid), True, added)

    def _ensure_assessment(
        self,
        conn: Connection,
        key: str,
        year: int,
        title: str | None,
        user: str,
        file_name: str,
        sha: str,
    ) -> str:
        """The assessment's registry key; the first import creates the assessment (audited)."""
        a = conn.execute(sa.select(assessments).where(assessments.c.key == key)).first()
        if a is not None:
            if title and title != a.title:
                conn.execute(
                    assessments.update().where(assessments.c.key == key).values(title=title)
                )
            return str(a.registry_key)
        conn.execute(
            assessments.insert().values(
                key=key, title=title or key, registry_key=key, created_at=_now(), created_by=user
            )
        )
        record(conn, Change(user, "assessment_create", year, None, file_name, sha, {"key": key}))
        return key

    def set_published(self, key: str, year: int, published: bool, user: str) -> EditionInfo:
        """Publish (or withdraw) the current version of an edition; audited."""
        with self.store.write() as conn:
            current = ASSESSMENTS.lock(conn, (key, year))
            if current is None:
                raise StoreError(f"assessment {key!r} has no edition {year}")
            conn.execute(
                assessment_editions.update()
                .where(_edition_of(key, year))
                .values(
                    published=published,
                    published_at=_now() if published else None,
                    published_by=user if published else None,
                )
            )
            action = "assessment_publish" if published else "assessment_unpublish"
            record(conn, Change(user, action, year, detail={"assessment": key}), current)
            bump(conn)
        info = self.edition(key, year)
        assert info is not None
        return info

    def rollback(self, key: str, year: int, number: int, user: str) -> AssessmentVersion:
        """Make version ``number`` current again; the edition becomes unpublished (the
        uploader publishes the restored version explicitly)."""
        with self.store.write() as conn:
            row = ASSESSMENTS.number(conn, (key, year), number)
            if row is None:
                raise StoreError(f"assessment {key!r} {year} has no version {number}")
            change = Change(
                user, "assessment_rollback", year, None, row["file_name"], row["sha256"],
                {"assessment": key},
            )  # fmt: skip
            ASSESSMENTS.restore(conn, (key, year), row, change, published=False)
            bump(conn)
            return _info(row, row["id"])

    # ----- internals ----------------------------------------------------------------
    def _units(self, conn: Connection, registry_key: str) -> pd.DataFrame:
        q = (
            sa.select(*[registry_units.c[c] for c in UNIT_COLUMNS])
            .select_from(
                registry_units.join(
                    unit_registries,
                    unit_registries.c.current_version == registry_units.c.registry_version_id,
                )
            )
            .where(unit_registries.c.key == registry_key)
            .order_by(registry_units.c.code)
        )
        return pd.DataFrame(conn.execute(q).all(), columns=UNIT_COLUMNS)

    def _register(
        self,
        conn: Connection,
        registry_key: str,
        units: pd.DataFrame,
        user: str,
        source: str,
        title: str,
    ) -> list[str]:
        REGISTRIES.lock(conn, (registry_key,), title=title or registry_key)
        current = self._units(conn, registry_key)
        new = units[~units["code"].isin(set(current["code"]))].drop_duplicates("code")
        if new.empty:
            return []
        full = pd.concat([current, new[UNIT_COLUMNS]], ignore_index=True)
        added = [str(c) for c in new["code"]]
        row = {"user": user, "created_at": _now(), "source": source[:512]}
        detail = {"registry": registry_key, "added": added}
        change = Change(user, "registry_units", file_name=source[:512], detail=detail)
        REGISTRIES.add(
            conn, (registry_key,), row, change, fill=lambda rvid: _write_units(conn, rvid, full)
        )
        return added


@dataclass(frozen=True)
class AssessmentData:
    """One edition as stored: the tree, the values (long) and the registry's units."""

    key: str
    title: str
    year: int
    nodes: pd.DataFrame  # NODE_COLUMNS
    values: pd.DataFrame  # VALUE_COLUMNS
    units: pd.DataFrame  # UNIT_COLUMNS


def _edition_of(key: str, year: int) -> sa.ColumnElement[bool]:
    return sa.and_(assessment_editions.c.assessment_key == key, assessment_editions.c.year == year)


def _write_tree(conn: Connection, vid: int, nodes: pd.DataFrame, values: pd.DataFrame) -> None:
    """The version's framework tree and its values."""
    conn.execute(
        assessment_nodes.insert(),
        [
            {
                "version_id": vid,
                "code": str(n.code),
                "parent_code": None if pd.isna(n.parent_code) else str(n.parent_code),
                "label_vi": str(n.label_vi),
                "label_en": None if pd.isna(n.label_en) else str(n.label_en),
                "max_points": float(n.max_points),
                "position": int(n.position),
            }
            for n in nodes.itertuples(index=False)
        ],
    )
    payload = [
        {
            "version_id": vid,
            "unit_code": str(v.unit_code),
            "node_code": str(v.node_code),
            "kind": str(v.kind),
            "value": float(v.value),
        }
        for v in values.itertuples(index=False)
    ]
    if payload:
        conn.execute(assessment_values.insert(), payload)


def _write_units(conn: Connection, rvid: int, units: pd.DataFrame) -> None:
    """The full unit list of registry version ``rvid``."""
    conn.execute(
        registry_units.insert(),
        [
            {
                "registry_version_id": rvid,
                "code": str(u.code),
                "name_vi": str(u.name_vi),
                "name_en": None if pd.isna(u.name_en) or not u.name_en else str(u.name_en),
                "kind": str(u.kind),
            }
            for u in units.itertuples(index=False)
        ],
    )


def _info(row: Mapping[str, Any], current_id: int | None) -> AssessmentVersion:
    return as_record(AssessmentVersion, row, current_id)
