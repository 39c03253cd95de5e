"""Saved header and province mappings in the store (issue 14).

A mapping says what a header or a province name the alias tables do not know means:
``header``: "header text" -> ``<indicator>``, ``<indicator>:rank``, ``province`` or
``ignore``; ``province``: (unit set, "name as written") -> GSO code. They are saved after a
successful import, in the import's own transaction, and reused for later files by every app
process and the CLI alike, because they come from the database (``saved_mappings``). Each
save writes an audit row (action ``mappings_save``: who, when, what, which version); each
new version records the mappings that produced it (``version_mappings``).

Release 2 kept them as JSON files in ``DTI_CONFIG_DIR`` (default
``$XDG_CONFIG_HOME/dti-dashboard``): ``header_mappings.json`` and
``province_mappings.json``. Such a file keeps working after the upgrade: until it is
adopted, its entries are used below the store's own (the store wins on a clash); the first
import that writes the store adopts it (its entries saved, an audit row
``mappings_adopt`` naming the file and its sha256), after which that content is never read
again. The file itself is left alone; it can be deleted once adopted.

data.ingest never reads the store: ``app.imports`` loads these and passes them to parse.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.audit import Change, now, record
from data.ingest.mappings import (
    SavedMappings,
    normalise_mapping,
    normalise_province_mapping,
)
from data.mappings_schema import saved_mappings, version_mappings
from data.tables import audit

if TYPE_CHECKING:
    from data.store import ImportResult, Store

HEADER = "header"
PROVINCE = "province"

ADOPT = "mappings_adopt"
SAVE = "mappings_save"


# --------------------------------------------------------------------------- rows <-> records


def _rows(m: SavedMappings) -> dict[tuple[str, str, str], str]:
    out = {(HEADER, "", str(k)): str(v) for k, v in m.header.items()}
    for unit_set, by_name in m.province.items():
        out.update({(PROVINCE, str(unit_set), str(k)): str(v) for k, v in by_name.items()})
    return out


def _record(rows: Mapping[tuple[str, str, str], str]) -> SavedMappings:
    header: dict[str, str] = {}
    province: dict[str, dict[str, str]] = {}
    for (kind, unit_set, name), target in rows.items():
        if kind == HEADER:
            header[name] = target
        else:
            province.setdefault(unit_set, {})[name] = target
    return SavedMappings(header, province)


def _readable(store: Store) -> bool:
    """The store has the mappings table (a missing SQLite file is not created)."""
    if store.url.startswith("sqlite:///"):
        path = store.url.removeprefix("sqlite:///")
        if path != ":memory:" and not Path(path).exists():
            return False
    return sa.inspect(store.engine).has_table(saved_mappings.name)


def stored(store: Store) -> SavedMappings:
    """The mappings saved in the store (nothing when it has no mappings table yet)."""
    if not _readable(store):
        return SavedMappings()
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(saved_mappings).order_by(saved_mappings.c.saved_at)
        ).mappings()
        return _record({(r["kind"], r["unit_set"], r["name"]): r["target"] for r in rows})


def load(store: Store) -> SavedMappings:
    """What every import uses: the store's mappings over a release-2 file's not yet adopted."""
    own = stored(store)
    legacy = _record({k: v for f in pending_files(store) for k, v in _rows(f.mappings).items()})
    merged = {**_rows(legacy), **_rows(own)}
    return _record(merged)


def version_mappings_of(store: Store, version_id: int) -> SavedMappings:
    """The mappings that produced a version (empty when none was needed)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(version_mappings).where(version_mappings.c.version_id == version_id)
        ).mappings()
        return _record({(r["kind"], r["unit_set"], r["name"]): r["target"] for r in rows})


# --------------------------------------------------------------------------- writes


def _upsert(
    conn: Connection, rows: Mapping[tuple[str, str, str], str], user: str, version_id: int | None
) -> dict[tuple[str, str, str], str]:
    """Insert or overwrite ``rows``; returns the ones that changed."""
    t = saved_mappings.c
    changed = {}
    for (kind, unit_set, name), target in rows.items():
        key = (t.kind == kind, t.unit_set == unit_set, t.name == name)
        had = conn.execute(sa.select(t.target).where(*key)).scalar()
        if had == target:
            continue
        values = {"target": target, "user": user, "saved_at": now(), "version_id": version_id}
        if had is None:
            conn.execute(
                saved_mappings.insert().values(kind=kind, unit_set=unit_set, name=name, **values)
            )
        else:
            conn.execute(saved_mappings.update().where(*key).values(**values))
        changed[(kind, unit_set, name)] = target
    return changed


def _detail(rows: Mapping[tuple[str, str, str], str]) -> dict[str, Any]:
    rec = _record(rows)
    return {"header": dict(rec.header), "province": {u: dict(m) for u, m in rec.province.items()}}


def save(
    store: Store,
    conn: Connection,
    mappings: SavedMappings,
    *,
    user: str,
    version_id: int | None = None,
    file_name: str | None = None,
) -> int:
    """Save ``mappings`` (validated) inside the write transaction ``conn``; one audit row
    when anything changed. Returns how many entries changed."""
    normalise_mapping(mappings.header)
    normalise_province_mapping(mappings.province)
    changed = _upsert(conn, _rows(mappings), user, version_id)
    if changed:
        record(conn, Change(user, SAVE, file_name=file_name, detail=_detail(changed)), version_id)
    return len(changed)


def record_version(conn: Connection, version_id: int, used: SavedMappings) -> None:
    """The mappings that produced version ``version_id`` (in its own transaction)."""
    rows = [
        {"version_id": version_id, "kind": k, "unit_set": u, "name": n, "target": v}
        for (k, u, n), v in _rows(used).items()
    ]
    if rows:
        conn.execute(version_mappings.insert(), rows)


@dataclass(frozen=True)
class MappingsToSave:
    """Handed to the store with one file of an import (``PendingImport.mappings``): the
    user's new mappings to save and the ones that produced the file's values. The store
    calls ``record`` inside the import's transaction, with the version id when a version
    was created (None for an identical file)."""

    new: SavedMappings
    used: SavedMappings
    file_name: str | None = None

    def record(self, store: Store, conn: Connection, user: str, done: ImportResult) -> None:
        """Called by ``Store.import_batch`` for a stored file (created, identical, restored)."""
        version_id = done.version.id if done.created and done.version else None
        adopt_files(store, conn)
        save(store, conn, self.new, user=user, version_id=version_id, file_name=self.file_name)
        if version_id is not None:
            record_version(conn, version_id, self.used)


# --------------------------------------------------------------------------- release 2 files


def config_dir() -> Path:
    env = os.environ.get("DTI_CONFIG_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dti-dashboard"


def mappings_path() -> Path:
    return config_dir() / "header_mappings.json"


def province_mappings_path() -> Path:
    return config_dir() / "province_mappings.json"


@dataclass(frozen=True)
class LegacyFile:
    path: Path
    sha256: str
    mappings: SavedMappings


def _read_legacy(path: Path, kind: str) -> LegacyFile | None:
    """A release-2 mappings file, or None when missing or unusable (as release 2 did)."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            return None
        if kind == HEADER:
            normalise_mapping(data)
            rec = SavedMappings(header={str(k): str(v) for k, v in data.items()})
        else:
            normalise_province_mapping(data)
            rec = SavedMappings(
                province={str(u): {str(k): str(v) for k, v in m.items()} for u, m in data.items()}
            )
    except (OSError, ValueError, AttributeError):
        return None
    return LegacyFile(path, hashlib.sha256(raw).hexdigest(), rec)


def _adopted(conn: Connection) -> set[str]:
    return set(conn.execute(sa.select(audit.c.sha256).where(audit.c.action == ADOPT)).scalars())


def pending_files(store: Store) -> list[LegacyFile]:
    """Release-2 mapping files in DTI_CONFIG_DIR whose content the store has not adopted."""
    found = legacy_files()
    if not found or not _readable(store):
        return found
    with store.engine.connect() as conn:
        done = _adopted(conn)
    return [f for f in found if f.sha256 not in done]


def adopt_files(store: Store, conn: Connection, user: str = "release-2 file") -> int:
    """Save the not yet adopted release-2 files' entries that the store does not have
    (inside ``conn``'s write transaction); one ``mappings_adopt`` audit row per file.
    Returns the number of files adopted."""
    done = _adopted(conn)
    have = {
        (r.kind, r.unit_set, r.name)
        for r in conn.execute(
            sa.select(saved_mappings.c.kind, saved_mappings.c.unit_set, saved_mappings.c.name)
        )
    }
    n = 0
    for f in legacy_files():
        if f.sha256 in done:
            continue
        rows = {k: v for k, v in _rows(f.mappings).items() if k not in have}
        _upsert(conn, rows, user, None)
        detail = {**_detail(rows), "path": str(f.path)}
        record(conn, Change(user, ADOPT, file_name=f.path.name, sha256=f.sha256, detail=detail))
        n += 1
    return n


def legacy_files() -> list[LegacyFile]:
    """The release-2 mapping files present in DTI_CONFIG_DIR (adopted or not)."""
    files = (
        _read_legacy(mappings_path(), HEADER),
        _read_legacy(province_mappings_path(), PROVINCE),
    )
    return [f for f in files if f is not None]


def adopt(store: Store) -> int:
    """Adopt the release-2 files now (in a write transaction of its own)."""
    store.init()
    with store.write() as conn:
        return adopt_files(store, conn)


__all__ = [
    "ADOPT",
    "SAVE",
    "MappingsToSave",
    "adopt",
    "config_dir",
    "load",
    "mappings_path",
    "province_mappings_path",
    "saved_mappings",
    "stored",
    "version_mappings",
    "version_mappings_of",
]
