"""Versioned storage of DTI values: SQLAlchemy Core, SQLite (WAL) by default, any URL via
DTI_DB_URL (PostgreSQL is tested).

Every import of an (edition, unit set) is a complete new *version*; the *current* pointer
says which version is live, so a rollback is a pointer move and nothing is ever deleted.
Every change bumps a data-version stamp that app processes key their caches on, and writes
an audit row, in the same transaction as the change itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

ROOT = Path(__file__).resolve().parents[1]
FILES = Path(__file__).resolve().parent / "files"
DEFAULT_URL = f"sqlite:///{ROOT / 'dti.db'}"
SCHEMA_VERSION = 1
BUNDLE_USER = "bundle"

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

VALUE_COLUMNS = ["edition", "unit_set", "province_code", "indicator", "value", "source"]


class StoreError(RuntimeError):
    pass


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
    version: VersionInfo
    created: bool  # False when an identical file was already stored for this edition


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def db_url() -> str:
    return os.environ.get("DTI_DB_URL") or DEFAULT_URL


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        eng = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return eng
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """The project's database. ``Store()`` uses DTI_DB_URL or the default SQLite file."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or db_url()
        self.engine = _engine(self.url)

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
        with exclusive(self.engine), self.engine.begin() as conn:
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
            self._bump(conn)
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
            cur = conn.execute(
                sa.select(editions.c.current_version).where(
                    editions.c.edition == edition, editions.c.unit_set == unit_set
                )
            ).scalar()
            rows = (
                conn.execute(
                    sa.select(versions)
                    .where(versions.c.edition == edition, versions.c.unit_set == unit_set)
                    .order_by(versions.c.number)
                )
                .mappings()
                .all()
            )
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
            row = conn.execute(
                sa.select(versions.c.file_name, versions.c.file_bytes).where(
                    versions.c.id == version_id
                )
            ).one()
        return row.file_name, row.file_bytes

    def audit_log(self, limit: int = 500) -> pd.DataFrame:
        q = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return pd.DataFrame(
                conn.execute(q).mappings().all(), columns=[c.name for c in audit.columns]
            )

    # ----- writes -------------------------------------------------------------------
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
        edition is recognised (by sha256) and creates no new version."""
        sha = hashlib.sha256(file_bytes or rows.to_csv(index=False).encode()).hexdigest()
        with self.engine.begin() as conn:
            existing = (
                conn.execute(
                    sa.select(versions).where(
                        versions.c.edition == edition,
                        versions.c.unit_set == unit_set,
                        versions.c.sha256 == sha,
                    )
                )
                .mappings()
                .first()
            )
            if existing is not None:
                cur = self._current(conn, edition, unit_set)
                return ImportResult(self._info(existing, cur), created=False)
            vid = self._insert_version(
                conn, edition, unit_set, rows, file_name, sha, user, file_bytes, "import"
            )
            self._bump(conn)
            row = conn.execute(sa.select(versions).where(versions.c.id == vid)).mappings().one()
            return ImportResult(self._info(row, vid), created=True)

    def rollback(self, edition: int, unit_set: str, number: int, user: str) -> VersionInfo:
        """Make version ``number`` of (edition, unit set) current again."""
        with self.engine.begin() as conn:
            row = (
                conn.execute(
                    sa.select(versions).where(
                        versions.c.edition == edition,
                        versions.c.unit_set == unit_set,
                        versions.c.number == number,
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise StoreError(f"edition {edition} ({unit_set}) has no version {number}")
            before = self._current(conn, edition, unit_set)
            conn.execute(
                editions.update()
                .where(editions.c.edition == edition, editions.c.unit_set == unit_set)
                .values(current_version=row["id"])
            )
            self._audit(
                conn,
                user,
                "rollback",
                edition,
                unit_set,
                row["id"],
                row["file_name"],
                row["sha256"],
                {"from_version_id": before, "to_number": number},
            )
            self._bump(conn)
            return self._info(row, row["id"])

    # ----- internals ----------------------------------------------------------------
    def _current(self, conn: Connection, edition: int, unit_set: str) -> int | None:
        return conn.execute(
            sa.select(editions.c.current_version).where(
                editions.c.edition == edition, editions.c.unit_set == unit_set
            )
        ).scalar()

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
        if (
            conn.execute(
                sa.select(editions.c.edition).where(
                    editions.c.edition == edition, editions.c.unit_set == unit_set
                )
            ).first()
            is None
        ):
            conn.execute(editions.insert().values(edition=edition, unit_set=unit_set))
        number = (
            conn.execute(
                sa.select(sa.func.max(versions.c.number)).where(
                    versions.c.edition == edition, versions.c.unit_set == unit_set
                )
            ).scalar()
            or 0
        ) + 1
        vid = conn.execute(
            versions.insert().values(
                edition=edition,
                unit_set=unit_set,
                number=number,
                file_name=file_name,
                sha256=sha,
                user=user,
                created_at=_now(),
                n_values=len(rows),
                file_bytes=file_bytes,
            )
        ).inserted_primary_key[0]
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
        conn.execute(
            editions.update()
            .where(editions.c.edition == edition, editions.c.unit_set == unit_set)
            .values(current_version=vid)
        )
        self._audit(
            conn,
            user,
            action,
            edition,
            unit_set,
            vid,
            file_name,
            sha,
            {"number": number, "n_values": len(rows)},
        )
        return int(vid)

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
        conn.execute(
            audit.insert().values(
                at=_now(),
                user=user,
                action=action,
                edition=edition,
                unit_set=unit_set,
                version_id=version_id,
                file_name=file_name,
                sha256=sha,
                detail=json.dumps(detail, ensure_ascii=False),
            )
        )

    def _bump(self, conn: Connection) -> None:
        stamp = uuid.uuid4().hex
        updated = conn.execute(
            meta.update().where(meta.c.key == "data_version").values(value=stamp)
        ).rowcount
        if not updated:
            conn.execute(meta.insert().values(key="data_version", value=stamp))

    @staticmethod
    def _info(row: Iterable | dict, current_id: int | None) -> VersionInfo:
        r = dict(row)
        return VersionInfo(
            id=r["id"],
            edition=r["edition"],
            unit_set=r["unit_set"],
            number=r["number"],
            file_name=r["file_name"],
            sha256=r["sha256"],
            user=r["user"],
            created_at=r["created_at"],
            n_values=r["n_values"],
            current=r["id"] == current_id,
        )


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


# The internal assessments' tables live in their own module on the same metadata; import
# it here so that every user of the metadata (init, backups, migrations) sees them.
from data import assessments_store as _assessments_store  # noqa: E402, F401
