"""Backup and restore of the whole store as one portable zip file.

Format (``format_version`` 1), documented here and in the README:

``manifest.json``
    ``{"format": "dti-store-backup", "format_version": 1, "created_at": ISO-8601 UTC,
    "schema_revision": Alembic revision of the store, "source_dialect": "sqlite"|"postgresql",
    "tables": {NAME: {"file": "tables/NAME.jsonl", "columns": [...], "rows": N,
    "sha256": sha256 of the member's bytes, "content_digest": order-free digest of the rows}},
    "files": {"files/SHA256": {"sha256": ..., "size": bytes}}}``
``tables/NAME.jsonl``
    one JSON object per row (UTF-8, keys sorted), for *every* table of the database except
    Alembic's own ``alembic_version`` (its revision is ``schema_revision``). Binary columns
    (the uploaded originals in ``versions.file_bytes``) hold ``{"$file": "files/SHA256"}``;
    dates and times are ISO-8601 strings, decimals are strings.
``files/SHA256``
    the original bytes of every uploaded file, named by their sha256 (stored once).

The backup is read in ONE read transaction (SQLite: a single deferred transaction, i.e. one
WAL snapshot; PostgreSQL: REPEATABLE READ, read only), so it is consistent while app
processes keep importing. Tables are found by reflecting the database, so tables added by
later revisions are included without changing this module.

Restore checks the whole file first (zip CRCs, manifest, every member's sha256 and row count,
every original's sha256) and that the target is empty; only then does it write, in one
transaction: the schema at the backup's revision (Alembic), the rows with their ids, a
re-read of every table compared with the manifest's row counts and content digests,
PostgreSQL sequences moved past the restored ids, then the upgrade to this program's head.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import json
import os
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection, Engine

from data import migrate
from data.logs import event
from data.store import WRITE, Store, _engine, _now

FORMAT = "dti-store-backup"
FORMAT_VERSION = 1
# Filled by the migrations themselves, not by users: they do not make a store "non-empty".
BOOKKEEPING_TABLES = frozenset({"alembic_version", "schema_version", "meta"})
_CHUNK = 2000
_MOD = 2**256


class BackupError(RuntimeError):
    """A damaged or unusable backup file; nothing was written."""


class TargetNotEmpty(RuntimeError):
    """The target store holds data; nothing was written."""


@dataclass
class TableInfo:
    file: str
    columns: list[str]
    rows: int
    sha256: str
    content_digest: str


@dataclass
class Manifest:
    schema_revision: str
    source_dialect: str
    created_at: str
    tables: dict[str, TableInfo] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "schema_revision": self.schema_revision,
            "source_dialect": self.source_dialect,
            "tables": {k: v.__dict__ for k, v in self.tables.items()},
            "files": self.files,
        }


# ----------------------------------------------------------------- engines & transactions


@contextlib.contextmanager
def _read_snapshot(engine: Engine) -> Iterator[Connection]:
    opts: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        opts = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with engine.connect().execution_options(**opts) as conn, conn.begin():
        yield conn


def _user_tables(conn: Connection) -> list[sa.Table]:
    """Every table of the database (reflected), parents before children."""
    meta = sa.MetaData()
    meta.reflect(conn)
    return [t for t in meta.sorted_tables if t.name != "alembic_version"]


# ----------------------------------------------------------------- row encoding


def _is_binary(t: sa.types.TypeEngine) -> bool:
    return isinstance(t, sa.types._Binary)


def _encode(value: Any, col: sa.Column, blob: Callable[[bytes], str]) -> Any:
    if value is None:
        return None
    t = col.type
    if _is_binary(t):
        return {"$file": blob(bytes(value))}
    if isinstance(t, sa.Float):
        return float(value)
    if isinstance(value, bool):
        return value
    if isinstance(t, sa.Integer):
        return int(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def _decode(value: Any, col: sa.Column, files: Callable[[str], bytes]) -> Any:
    if value is None:
        return None
    t = col.type
    if _is_binary(t):
        return files(value["$file"])
    if isinstance(t, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(t, sa.Date):
        return dt.date.fromisoformat(value)
    if isinstance(t, sa.Time):
        return dt.time.fromisoformat(value)
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return decimal.Decimal(value)
    return value


def _line(row: dict[str, Any]) -> bytes:
    return (
        json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    ).encode("utf-8")


class _Digest:
    """Order-free digest of a table's rows: the sum of the rows' sha256 (mod 2**256), so
    the same rows read back in another order (another database's collation) agree."""

    def __init__(self) -> None:
        self.total = 0

    def add(self, line: bytes) -> None:
        self.total = (self.total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % _MOD

    def hex(self) -> str:
        return f"{self.total:064x}"


def _table_rows(conn: Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execute(
        sa.select(table).order_by(*order),
        execution_options={"stream_results": True, "yield_per": _CHUNK},
    )
    for row in result.mappings():
        yield dict(row)


# ----------------------------------------------------------------- backup


def write_backup(
    store: Store,
    out: Path,
    *,
    _between_tables: Callable[[str], None] | None = None,
) -> Manifest:
    """Write the whole store to ``out`` (a zip, written atomically). ``_between_tables`` is
    a test hook called after each table is read, to prove the snapshot holds."""
    engine = _engine(store.url)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with (
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf,
            _read_snapshot(engine) as conn,
        ):
            revision = migrate.current(conn)
            if revision is None:
                raise BackupError("the store has no schema yet: run `python -m data init` first")
            manifest = Manifest(revision, engine.dialect.name, _now())

            def blob(data: bytes) -> str:
                sha = hashlib.sha256(data).hexdigest()
                name = f"files/{sha}"
                if name not in manifest.files:
                    zf.writestr(name, data)
                    manifest.files[name] = {"sha256": sha, "size": len(data)}
                return name

            for table in _user_tables(conn):
                manifest.tables[table.name] = _dump_table(zf, conn, table, blob)
                if _between_tables is not None:
                    _between_tables(table.name)
            zf.writestr("manifest.json", json.dumps(manifest.as_json(), indent=1))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        engine.dispose()
    event(
        "backup",
        file=str(out),
        revision=manifest.schema_revision,
        tables=len(manifest.tables),
        rows=sum(t.rows for t in manifest.tables.values()),
        originals=len(manifest.files),
        store=store.url_safe,
    )
    return manifest


def _dump_table(
    zf: zipfile.ZipFile, conn: Connection, table: sa.Table, blob: Callable[[bytes], str]
) -> TableInfo:
    name = f"tables/{table.name}.jsonl"
    sha, digest, n = hashlib.sha256(), _Digest(), 0
    # Spooled first: originals met in the rows go into the zip while no member is open.
    with tempfile.SpooledTemporaryFile(max_size=16 * 2**20) as buf:
        for row in _table_rows(conn, table):
            line = _line({c.name: _encode(row[c.name], c, blob) for c in table.columns})
            buf.write(line)
            sha.update(line)
            digest.add(line)
            n += 1
        buf.seek(0)
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as member:
            while chunk := buf.read(2**20):
                member.write(chunk)
    return TableInfo(name, [c.name for c in table.columns], n, sha.hexdigest(), digest.hex())


# ----------------------------------------------------------------- reading a backup


def _fail(path: Path, why: str) -> BackupError:
    return BackupError(f"{path}: {why}; nothing was written")


def read_manifest(path: Path) -> tuple[zipfile.ZipFile, Manifest]:
    """Open ``path`` and check ALL of it (CRCs, manifest, checksums, counts, originals).
    Raises BackupError with what is wrong."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(path, f"not a readable zip file ({exc})") from None
    try:
        bad = zf.testzip()
        if bad is not None:
            raise _fail(path, f"member {bad} is damaged (CRC mismatch)")
        manifest = _parse_manifest(path, zf)
        for name, info in manifest.tables.items():
            _check_member(path, zf, name, info)
        for name, info in manifest.files.items():
            data = _member(path, zf, name)
            if hashlib.sha256(data).hexdigest() != info["sha256"] or not name.endswith(
                info["sha256"]
            ):
                raise _fail(path, f"original file {name} does not match its checksum")
    except BackupError:
        zf.close()
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        zf.close()
        raise _fail(path, f"damaged ({exc})") from None
    return zf, manifest


def _member(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except KeyError:
        raise _fail(path, f"member {name} is missing") from None


def _parse_manifest(path: Path, zf: zipfile.ZipFile) -> Manifest:
    try:
        raw = json.loads(_member(path, zf, "manifest.json"))
    except ValueError:
        raise _fail(path, "manifest.json is not valid JSON") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _fail(path, f"not a DTI store backup (manifest format is not {FORMAT!r})")
    if raw.get("format_version") != FORMAT_VERSION:
        raise _fail(
            path,
            f"backup format version {raw.get('format_version')} is not supported "
            f"(this program reads version {FORMAT_VERSION})",
        )
    try:
        tables = {k: TableInfo(**v) for k, v in raw["tables"].items()}
        return Manifest(
            raw["schema_revision"], raw["source_dialect"], raw["created_at"], tables, raw["files"]
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise _fail(path, f"manifest.json is incomplete ({exc})") from None


def _check_member(path: Path, zf: zipfile.ZipFile, table: str, info: TableInfo) -> None:
    data = _member(path, zf, info.file)
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise _fail(path, f"table {table} ({info.file}) does not match its checksum")
    n = data.count(b"\n")
    if n != info.rows:
        raise _fail(path, f"table {table} has {n} rows, the manifest says {info.rows}")


def _rows(zf: zipfile.ZipFile, info: TableInfo) -> Iterator[dict[str, Any]]:
    with zf.open(info.file) as f:
        for line in f:
            yield json.loads(line)


# ----------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    replaced_backup: Path | None
    revision: str


def is_empty(engine: Engine) -> bool:
    """True when no table other than the schema's own bookkeeping holds a row."""
    with engine.connect() as conn:
        for table in _user_tables(conn):
            if table.name in BOOKKEEPING_TABLES:
                continue
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                return False
    return True


def restore_backup(
    path: Path, store: Store, *, force: bool = False, safety_dir: Path | None = None
) -> RestoreResult:
    """Rebuild ``store`` from the backup at ``path``. Refuses (nothing written) a damaged
    file, a backup from a newer program, or a non-empty target unless ``force``; with
    ``force`` the current content is first written to a safety backup in ``safety_dir``."""
    zf, manifest = read_manifest(Path(path))
    with zf:
        if not migrate.known(manifest.schema_revision):
            raise BackupError(
                f"{path}: made at schema revision {manifest.schema_revision}, which this "
                f"program does not know (its newest is {migrate.head()}): restore it with a "
                "newer release; nothing was written"
            )
        engine = _engine(store.url)
        try:
            replaced = None
            if not is_empty(engine):
                if not force:
                    raise TargetNotEmpty(
                        f"the target store {store.url_safe} already holds data; restore only "
                        "into an empty database, or pass --force to replace it (a backup of "
                        "what it holds is written first); nothing was written"
                    )
                stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
                replaced = Path(safety_dir or ".") / f"dti-replaced-{stamp}.zip"
                write_backup(store, replaced)
            writer = engine.execution_options(**{WRITE: True})
            with migrate.exclusive(engine), writer.begin() as conn:
                _load(conn, zf, manifest)
            store.engine.dispose()  # pooled connections may hold the old schema's state
            revision = migrate.upgrade(store.engine)[1]
        finally:
            engine.dispose()
    event(
        "restore",
        file=str(path),
        created_at=manifest.created_at,
        source_dialect=manifest.source_dialect,
        rows=sum(t.rows for t in manifest.tables.values()),
        originals=len(manifest.files),
        store=store.url_safe,
        replaced_backup=replaced,
        revision=revision,
    )
    return RestoreResult(manifest, replaced, revision)


def _load(conn: Connection, zf: zipfile.ZipFile, manifest: Manifest) -> None:
    """Inside one transaction: drop what is there, build the backup's schema, load, verify."""
    old = sa.MetaData()
    old.reflect(conn)
    old.drop_all(conn)
    command.upgrade(migrate.config(conn), manifest.schema_revision)
    tables = {t.name: t for t in _user_tables(conn)}
    missing = sorted(set(manifest.tables) - set(tables))
    if missing:
        raise BackupError(f"the backup's tables {missing} are not in its schema revision")
    # Rows a migration may have written (schema_version, seeds) give way to the backup's:
    # children first, so foreign keys hold.
    for name in reversed(list(tables)):
        if name in manifest.tables:
            conn.execute(tables[name].delete())
    for name, table in tables.items():
        if name in manifest.tables:
            _insert(conn, zf, table, manifest.tables[name])
    for name, table in tables.items():
        if name in manifest.tables:
            _verify(conn, table, manifest.tables[name])
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn, list(tables.values()))
    # A new data-version stamp: app processes reload whatever they had cached.
    meta = tables.get("meta")
    if meta is not None:
        conn.execute(meta.delete().where(meta.c.key == "data_version"))
        conn.execute(meta.insert().values(key="data_version", value=uuid.uuid4().hex))


def _insert(conn: Connection, zf: zipfile.ZipFile, table: sa.Table, info: TableInfo) -> None:
    cols = {c.name: c for c in table.columns}
    unknown = set(info.columns) - set(cols)
    if unknown:
        raise BackupError(f"table {table.name}: columns {sorted(unknown)} are not in the schema")

    def files(name: str) -> bytes:
        return zf.read(name)

    rows = ({k: _decode(v, cols[k], files) for k, v in raw.items()} for raw in _rows(zf, info))
    for batch in _parents_first(table, rows):
        conn.execute(table.insert(), batch)


def _parents_first(table: sa.Table, rows: Iterator[dict[str, Any]]) -> Iterator[list[dict]]:
    """Batches of rows; for a table that refers to itself (a tree), parents before children."""
    self_refs = [
        (fk.parent.name, fk.column.name)
        for fk in table.foreign_keys
        if fk.column.table.name == table.name
    ]
    if not self_refs:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    pending = list(rows)
    done: dict[str, set[Any]] = {target: set() for _, target in self_refs}
    while pending:
        ready = [
            r
            for r in pending
            if all(r[src] is None or r[src] in done[tgt] for src, tgt in self_refs)
        ]
        if not ready:
            raise BackupError(f"table {table.name}: rows refer to parents that are not there")
        yield ready
        for r in ready:
            for _, tgt in self_refs:
                done[tgt].add(r[tgt])
        ids = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in ids]


def _verify(conn: Connection, table: sa.Table, info: TableInfo) -> None:
    digest, n = _Digest(), 0

    def blob(data: bytes) -> str:
        return f"files/{hashlib.sha256(data).hexdigest()}"

    for row in _table_rows(conn, table):
        digest.add(_line({c.name: _encode(row[c.name], c, blob) for c in table.columns}))
        n += 1
    if n != info.rows or digest.hex() != info.content_digest:
        raise BackupError(
            f"table {table.name}: the restored rows differ from the backup ({n} rows read "
            f"back, {info.rows} expected); nothing was written"
        )


def _reset_sequences(conn: Connection, tables: list[sa.Table]) -> None:
    """Move every serial/identity sequence past the restored ids (ids are preserved)."""
    for table in tables:
        for col in table.columns:
            seq = conn.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": col.name},
            ).scalar()
            if seq is None:
                continue
            top = conn.execute(sa.select(sa.func.max(col))).scalar()
            conn.execute(
                sa.text("SELECT setval(:s, :v, :called)"),
                {"s": seq, "v": top if top is not None else 1, "called": top is not None},
            )
