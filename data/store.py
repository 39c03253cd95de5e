"""Versioned storage of DTI values: SQLAlchemy Core, SQLite (WAL) by default, any URL via
DTI_DB_URL (PostgreSQL is tested).

Every import of an (edition, unit set) is a complete new *version*; the *current* pointer
says which version is live, so a rollback is a pointer move and nothing is ever deleted.
Every change bumps a data-version stamp that app processes key their caches on, and writes
an audit row, in the same transaction as the change itself.

The store is split by job: ``data.tables`` (the schema), ``data.db`` (engines, the write
lock), ``data.audit`` (audit rows, the stamp), ``data.versioned`` (numbering, current
pointers and rollback, shared with the frameworks and the own assessments). This module
keeps the ``Store`` and re-exports those modules' names for its callers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.audit import Change, bump, record
from data.audit import now as _now
from data.db import (  # noqa: F401 - re-exported: data.store is their old home
    DEFAULT_URL,
    LOCK_TIMEOUT_S,
    ROOT,
    WRITE,
    ImportBusy,
    StoreError,
    _engine,
    db_url,
    is_lock_timeout,
    is_outage,
    lock_row,
)
from data.tables import (  # noqa: F401 - re-exported: data.store is their old home
    audit,
    editions,
    framework_heads,
    framework_nodes,
    framework_versions,
    meta,
    metadata,
    schema_version,
    sign_in_attempts,
    values,
    versions,
)
from data.versioned import Versioned, as_record
from domain.values import VALUE_COLUMNS

FILES = Path(__file__).resolve().parent / "files"
SCHEMA_VERSION = 1
BUNDLE_USER = "bundle"

# An edition's values: versions numbered per (edition, unit set), editions.current_version.
VALUES = Versioned(versions, editions, ("edition", "unit_set"))


class StalePreview(StoreError):
    """The current version of an edition moved after the preview was computed."""

    def __init__(self, edition: int, unit_set: str, seen: int | None, now: int | None) -> None:
        super().__init__(
            f"edition {edition} ({unit_set}) changed since the preview "
            f"(current version id {seen} -> {now})"
        )
        self.edition, self.unit_set, self.seen, self.now = edition, unit_set, seen, now


class _Held(Exception):
    """Leaves a write transaction without writing (the batch needs ``replace``)."""

    def __init__(self, results: list[ImportResult]) -> None:
        super().__init__("held")
        self.results = results


@dataclass(frozen=True)
class VersionInfo:
    id: int
    edition: int
    unit_set: str
    number: int
    file_name: str
    sha256: str
    user: str
    created_at: str
    n_values: int
    current: bool


@dataclass(frozen=True)
class ImportResult:
    version: VersionInfo | None
    created: bool  # False when an identical file was already stored for this edition
    # created | identical (already current) | restored (an identical earlier version made
    # current again) | needs_replace (edition has a current version, replace not given) |
    # held (not written because another file of the same batch needs replace)
    status: str = "created"


@dataclass(frozen=True)
class PendingImport:
    """One file of an import batch, in the store shape.

    ``basis`` is the current version id of (edition, unit set) the preview was computed
    against (None: the edition had no current version); with ``check_basis`` the import
    is refused (``StalePreview``) when another version became current meanwhile."""

    edition: int
    unit_set: str
    rows: pd.DataFrame
    file_name: str
    file_bytes: bytes | None
    basis: int | None = None
    check_basis: bool = False
    sha256: str = field(default="")
    # Written in the same transaction: a declared framework (issue 10), mappings (issue 14).
    framework: Any = None
    replace_framework: bool = False
    mappings: Any = None

    def digest(self) -> str:
        return self.sha256 or file_digest(self.file_bytes, self.rows)


def file_digest(file_bytes: bytes | None, rows: pd.DataFrame) -> str:
    """The sha256 that identifies an imported file (its rows when no bytes are kept)."""
    return hashlib.sha256(file_bytes or rows.to_csv(index=False).encode()).hexdigest()


class Store:
    """The project's database. ``Store()`` uses DTI_DB_URL or the default SQLite file."""

    def __init__(self, url: str | None = None, *, lock_timeout_s: float | None = None) -> None:
        self.url = url or db_url()
        if lock_timeout_s is None:  # DTI_LOCK_TIMEOUT_S: how long a write waits for another
            lock_timeout_s = float(os.environ.get("DTI_LOCK_TIMEOUT_S") or LOCK_TIMEOUT_S)
        self.lock_timeout_s = lock_timeout_s
        self.engine = _engine(self.url, lock_timeout_s)
        self._writer = self.engine.execution_options(**{WRITE: True})

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A serialised write transaction: SQLite ``BEGIN IMMEDIATE``, PostgreSQL with a
        lock timeout. Waiting longer than the timeout for another writer raises
        ``ImportBusy`` (nothing written); any other failure rolls everything back."""
        try:
            with self._writer.begin() as conn:
                if conn.dialect.name == "postgresql":
                    ms = int(self.lock_timeout_s * 1000)
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
                yield conn
        except sa.exc.OperationalError as exc:
            if is_lock_timeout(exc):
                raise ImportBusy("another import is running, try again") from exc
            raise

    @property
    def url_safe(self) -> str:
        """The URL with any password masked, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    # ----- schema -------------------------------------------------------------------
    def init(self) -> None:
        """Bring the schema to the newest revision (idempotent; see data.migrate)."""
        from data.migrate import MigrationError, upgrade

        try:
            upgrade(self.engine)
        except MigrationError as exc:
            raise StoreError(str(exc)) from None
        self._seed_frameworks()

    def _seed_frameworks(self) -> None:
        """The bundled frameworks, once (data.frameworks.seed_into); a concurrent process
        waits on the maintenance lock and then finds them seeded."""
        from data.frameworks import seed_into
        from data.migrate import exclusive

        with self.engine.connect() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(framework_versions)).scalar():
                return
        with exclusive(self.engine), self.write() as conn:
            if seed_into(self, conn):
                bump(conn)

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(versions)).scalar() == 0

    def seed_if_empty(self) -> bool:
        """Load the bundled data as version 1 of every edition, once."""
        from data.migrate import exclusive

        self.init()
        if not self.is_empty():
            return False
        bundle = load_bundle()
        raw = (FILES / "values.csv").read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        # Two processes starting on an empty store at once: one seeds, the other waits.
        with exclusive(self.engine), self.write() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(versions)).scalar():
                return False  # another process seeded first
            for (edition, unit_set), part in bundle.groupby(["edition", "unit_set"]):
                self._insert_version(
                    conn,
                    int(edition),
                    str(unit_set),
                    part,
                    "data/files/values.csv",
                    sha,
                    BUNDLE_USER,
                    None,
                    "seed",
                )
            bump(conn)
        return True

    # ----- reads --------------------------------------------------------------------
    def data_version(self) -> str:
        """A stamp that changes with every write; app caches are keyed on it."""
        with self.engine.connect() as conn:
            got = conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version"))
            return got.scalar() or "empty"

    def load_values(self) -> pd.DataFrame:
        """Current values of every edition: edition, unit_set, province_code, indicator,
        value, source, version_id, version (number within the edition)."""
        q = (
            sa.select(
                versions.c.edition,
                versions.c.unit_set,
                values.c.province_code,
                values.c.indicator,
                values.c.value,
                values.c.source,
                versions.c.id.label("version_id"),
                versions.c.number.label("version"),
            )
            .select_from(
                values.join(versions, values.c.version_id == versions.c.id).join(
                    editions,
                    sa.and_(
                        editions.c.edition == versions.c.edition,
                        editions.c.unit_set == versions.c.unit_set,
                        editions.c.current_version == versions.c.id,
                    ),
                )
            )
            .order_by(
                versions.c.edition, versions.c.unit_set, values.c.province_code, values.c.indicator
            )
        )
        with self.engine.connect() as conn:
            df = pd.DataFrame(conn.execute(q).mappings().all())
        if df.empty:
            return pd.DataFrame(columns=[*VALUE_COLUMNS, "version_id", "version"])
        df["edition"] = df["edition"].astype(int)
        df["value"] = df["value"].astype(float)
        return df

    def versions(self, edition: int, unit_set: str) -> list[VersionInfo]:
        with self.engine.connect() as conn:
            rows, cur = VALUES.history(conn, (edition, unit_set))
        return [self._info(r, cur) for r in rows]

    def version_values(self, version_id: int) -> pd.DataFrame:
        q = sa.select(
            values.c.province_code, values.c.indicator, values.c.value, values.c.source
        ).where(values.c.version_id == version_id)
        with self.engine.connect() as conn:
            return pd.DataFrame(
                conn.execute(q).mappings().all(),
                columns=["province_code", "indicator", "value", "source"],
            )

    def version_file(self, version_id: int) -> tuple[str, bytes | None]:
        with self.engine.connect() as conn:
            row = VALUES.get(conn, version_id)
        return row["file_name"], row["file_bytes"]

    def audit_log(self, limit: int = 500) -> pd.DataFrame:
        q = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return pd.DataFrame(
                conn.execute(q).mappings().all(), columns=[c.name for c in audit.columns]
            )

    # ----- writes -------------------------------------------------------------------
    def current_ids(self) -> dict[tuple[int, str], int | None]:
        """(edition, unit set) -> id of its current version: the basis a preview records."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(editions)).all()
        return {(int(r.edition), str(r.unit_set)): r.current_version for r in rows}

    def identical_version(self, edition: int, unit_set: str, sha: str) -> VersionInfo | None:
        """The latest stored version of (edition, unit set) made from the same file, if
        any: what "this file is identical to version N" means for the app and the CLI."""
        with self.engine.connect() as conn:
            return self._identical(conn, edition, unit_set, sha)

    def import_version(
        self,
        edition: int,
        unit_set: str,
        rows: pd.DataFrame,
        *,
        file_name: str,
        file_bytes: bytes | None,
        user: str,
    ) -> ImportResult:
        """Store ``rows`` (province_code, indicator, value, source) as a new current version
        of (edition, unit set), all or nothing. An identical file already stored for the
        edition is recognised (by sha256), creates no new version and is made current."""
        item = PendingImport(edition, unit_set, rows, file_name, file_bytes)
        return self.import_batch([item], user=user, replace=True)[0]

    def import_batch(
        self, items: Sequence[PendingImport], *, user: str, replace: bool
    ) -> list[ImportResult]:
        """Store several files as ONE transaction: every one or none.

        Per file: an identical file already current writes nothing; an identical earlier
        version is made current again (with ``replace``); otherwise a new version is
        numbered inside the transaction, under the edition's lock. Without ``replace``,
        an edition that already has a current version is ``needs_replace`` and nothing
        of the batch is written. Raises ``StalePreview`` (a checked basis moved) or
        ``ImportBusy`` (another writer held the lock too long); nothing is written then."""
        keys = [(i.edition, i.unit_set) for i in items]
        if len(set(keys)) != len(keys):
            raise StoreError("two files of one import target the same edition and unit set")
        try:
            return self._import_batch(list(items), user=user, replace=replace)
        except _Held as held:  # nothing written (the transaction rolled back)
            return held.results

    def _import_batch(
        self, items: list[PendingImport], *, user: str, replace: bool
    ) -> list[ImportResult]:
        with self.write() as conn:
            plans = []
            for item in items:
                cur = self._lock_edition(conn, item.edition, item.unit_set)
                if item.check_basis and cur != item.basis:
                    raise StalePreview(item.edition, item.unit_set, item.basis, cur)
                same = self._identical(conn, item.edition, item.unit_set, item.digest())
                if same is not None and same.current:
                    plans.append((item, "identical", same))
                elif (same is not None or cur is not None) and not replace:
                    plans.append((item, "needs_replace", same))
                else:
                    plans.append((item, "restored" if same else "created", same))
            if any(status == "needs_replace" for _, status, _ in plans):
                raise _Held(
                    [
                        # needs_replace names the identical stored version, if any
                        ImportResult(same, False, st)
                        if st == "needs_replace"
                        else ImportResult(None, False, "held")
                        for _, st, same in plans
                    ]
                )
            for item, _status, _same in plans:
                if item.framework is not None:
                    from data.frameworks import write_framework

                    write_framework(
                        self,
                        conn,
                        item.framework,
                        item.unit_set,
                        user=user,
                        action="framework_replace"
                        if item.replace_framework
                        else "framework_declare",
                        replace_existing=item.replace_framework,
                    )
            out = []
            for item, status, same in plans:
                if status == "identical":
                    out.append(ImportResult(same, False, "identical"))
                elif status == "restored":
                    assert same is not None
                    out.append(
                        ImportResult(
                            self._make_current(conn, same, user, "reimport"), False, status
                        )
                    )
                else:
                    vid = self._insert_version(
                        conn,
                        item.edition,
                        item.unit_set,
                        item.rows,
                        item.file_name,
                        item.digest(),
                        user,
                        item.file_bytes,
                        "import",
                    )
                    out.append(ImportResult(self._info(VALUES.get(conn, vid), vid), True, status))
            for item, done in zip(items, out, strict=True):  # saved mappings (issue 14)
                if item.mappings is not None:
                    item.mappings.record(self, conn, user, done)
            if any(r.status != "identical" for r in out) or any(i.framework for i in items):
                bump(conn)
            return out

    def rollback(self, edition: int, unit_set: str, number: int, user: str) -> VersionInfo:
        """Make version ``number`` of (edition, unit set) current again."""
        with self.write() as conn:
            self._lock_edition(conn, edition, unit_set)
            row = VALUES.number(conn, (edition, unit_set), number)
            if row is None:
                raise StoreError(f"edition {edition} ({unit_set}) has no version {number}")
            info = self._make_current(conn, self._info(row, None), user, "rollback")
            bump(conn)
            return info

    # ----- sign-in throttling ----------------------------------------------------------
    def sign_in_wait(self, subjects: Sequence[str], now: float) -> float:
        """Seconds until any of ``subjects`` may try to sign in again (0: now)."""
        with self.engine.connect() as conn:
            until = conn.execute(
                sa.select(sa.func.max(sign_in_attempts.c.locked_until)).where(
                    sign_in_attempts.c.subject.in_(list(subjects))
                )
            ).scalar()
        return max(0.0, float(until or 0.0) - now)

    def sign_in_failed(
        self, subjects: Sequence[str], now: float, delay: Callable[[int], float], forget_s: float
    ) -> float:
        """Count a failed sign-in against every subject (serialised, so parallel guesses
        all count); return the wait it now imposes. A subject's count restarts after
        ``forget_s`` seconds without failures."""
        wait = 0.0
        with self.write() as conn:
            for subject in subjects:
                row = lock_row(conn, sign_in_attempts, {"subject": subject})
                fresh = now - float(row["last_failure"] or 0.0) > forget_s
                failures = 1 if fresh else int(row["failures"] or 0) + 1
                until = now + delay(failures)
                wait = max(wait, until - now)
                conn.execute(
                    sign_in_attempts.update()
                    .where(sign_in_attempts.c.subject == subject)
                    .values(failures=failures, locked_until=until, last_failure=now)
                )
        return wait

    def sign_in_succeeded(self, subjects: Sequence[str]) -> None:
        """A right password clears the counts of its subjects."""
        with self.write() as conn:
            conn.execute(
                sign_in_attempts.delete().where(sign_in_attempts.c.subject.in_(list(subjects)))
            )

    # ----- internals ----------------------------------------------------------------
    def _lock_edition(self, conn: Connection, edition: int, unit_set: str) -> int | None:
        """Lock the edition's row (inserting it first if missing) and return its current
        version id."""
        return VALUES.lock(conn, (edition, unit_set))

    def _identical(
        self, conn: Connection, edition: int, unit_set: str, sha: str
    ) -> VersionInfo | None:
        row = VALUES.find(conn, (edition, unit_set), versions.c.sha256 == sha)
        return None if row is None else self._info(row, VALUES.current(conn, (edition, unit_set)))

    def _make_current(
        self, conn: Connection, version: VersionInfo, user: str, action: str
    ) -> VersionInfo:
        change = Change(
            user, action, version.edition, version.unit_set, version.file_name, version.sha256
        )
        VALUES.restore(conn, (version.edition, version.unit_set), version.__dict__, change)
        return VersionInfo(**{**version.__dict__, "current": True})

    def _insert_version(
        self,
        conn: Connection,
        edition: int,
        unit_set: str,
        rows: pd.DataFrame,
        file_name: str,
        sha: str,
        user: str,
        file_bytes: bytes | None,
        action: str,
    ) -> int:
        dup = rows.duplicated(["province_code", "indicator"])
        if dup.any():
            raise StoreError(f"duplicate key in edition {edition}: {rows[dup].iloc[0].to_dict()}")
        row = {
            "file_name": file_name,
            "sha256": sha,
            "user": user,
            "created_at": _now(),
            "n_values": len(rows),
            "file_bytes": file_bytes,
        }
        change = Change(user, action, edition, unit_set, file_name, sha, {"n_values": len(rows)})
        vid, _number = VALUES.add(
            conn, (edition, unit_set), row, change, fill=lambda vid: _write_values(conn, vid, rows)
        )
        return vid

    def _audit(
        self,
        conn: Connection,
        user: str,
        action: str,
        edition: int | None,
        unit_set: str | None,
        version_id: int | None,
        file_name: str | None,
        sha: str | None,
        detail: dict,
    ) -> None:
        """An audit row (``data.audit.record``), for callers of the old signature."""
        record(conn, Change(user, action, edition, unit_set, file_name, sha, detail), version_id)

    def _bump(self, conn: Connection) -> None:
        bump(conn)

    @staticmethod
    def _info(row: Mapping[str, Any], current_id: int | None) -> VersionInfo:
        return as_record(VersionInfo, row, current_id)


def _write_values(conn: Connection, vid: int, rows: pd.DataFrame) -> None:
    """The values of version ``vid``."""
    payload = [
        {
            "version_id": vid,
            "province_code": str(r.province_code),
            "indicator": str(r.indicator),
            "value": None if pd.isna(r.value) else float(r.value),
            "source": str(r.source),
        }
        for r in rows.itertuples(index=False)
    ]
    if payload:
        conn.execute(values.insert(), payload)


def load_bundle() -> pd.DataFrame:
    """The bundled values (published + illustrative), validated."""
    from data.schema import validate_values

    df = pd.read_csv(FILES / "values.csv", dtype={"unit_set": str, "province_code": str})
    return validate_values(df)


def load_published() -> pd.DataFrame:
    """Every published figure we hold (scores and ranks), with its source URL."""
    return pd.read_csv(
        FILES / "published.csv", dtype={"unit_set": str, "province_code": str, "basis": str}
    )
