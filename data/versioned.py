"""One way to keep a versioned thing in the store.

A versioned thing (an edition's values, an own assessment's edition, a framework, a unit
registry) has *version rows* numbered 1, 2, … per key and a *head row* per key whose
pointer names the current version. Nothing is ever deleted: a new version is inserted and
made current; a rollback makes an earlier version current again. Each of these writes its
audit row in the same transaction.

Every write runs inside ``Store.write()``. Numbering happens under the key's lock, so two
writers never draw the same number: on SQLite ``BEGIN IMMEDIATE`` already holds the
database's write lock; on PostgreSQL the head row is locked ``FOR UPDATE`` (inserted
first when missing), or, for heads that cannot exist without a version (a NOT NULL
pointer), a transaction-scoped advisory lock on (head table, key) is taken. Both wait at
most the store's lock timeout (then ``ImportBusy``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.audit import Change, record
from data.db import lock_row

Key = Sequence[object]
R = TypeVar("R")


def as_record(cls: type[R], row: Mapping[str, Any], current_id: int | None) -> R:
    """A version record (a dataclass whose fields are version columns plus ``current``)
    from a version row."""
    names = [f.name for f in fields(cls) if f.name != "current"]  # type: ignore[arg-type]
    return cls(**{n: row[n] for n in names}, current=row["id"] == current_id)


@dataclass(frozen=True)
class Versioned:
    """The tables of one versioned thing and how they are tied together."""

    versions: sa.Table  # id, the key columns, number, and the thing's own columns
    heads: sa.Table  # the key columns and the pointer
    key: tuple[str, ...]  # the version table's columns naming one thing
    pointer: str = "current_version"  # the head's column holding the current version id
    head_key: tuple[str, ...] = ()  # the head's names of the key columns (default: ``key``)
    audit_id: bool = True  # the audit row carries the version id
    number_label: str = "number"  # the audit detail's name for a new version's number

    # ----- where ------------------------------------------------------------------
    def _of(self, key: Key) -> list[sa.ColumnElement[bool]]:
        return [self.versions.c[c] == v for c, v in zip(self.key, key, strict=True)]

    def _head(self, key: Key) -> dict[str, object]:
        return dict(zip(self.head_key or self.key, key, strict=True))

    def _head_of(self, key: Key) -> list[sa.ColumnElement[bool]]:
        return [self.heads.c[c] == v for c, v in self._head(key).items()]

    # ----- reads ------------------------------------------------------------------
    def current(self, conn: Connection, key: Key) -> int | None:
        """The current version id of ``key`` (None: none yet)."""
        return conn.execute(
            sa.select(self.heads.c[self.pointer]).where(*self._head_of(key))
        ).scalar()

    def get(self, conn: Connection, version_id: int) -> sa.RowMapping:
        """The version row with id ``version_id`` (NoResultFound when there is none)."""
        q = sa.select(self.versions).where(self.versions.c.id == version_id)
        return conn.execute(q).mappings().one()

    def find(
        self, conn: Connection, key: Key, *where: sa.ColumnElement[bool]
    ) -> sa.RowMapping | None:
        """The newest version row of ``key`` matching ``where`` (None: no such version)."""
        q = sa.select(self.versions).where(*self._of(key), *where)
        return conn.execute(q.order_by(self.versions.c.number.desc())).mappings().first()

    def number(self, conn: Connection, key: Key, number: int) -> sa.RowMapping | None:
        """Version ``number`` of ``key``."""
        return self.find(conn, key, self.versions.c.number == number)

    def history(self, conn: Connection, key: Key) -> tuple[list[sa.RowMapping], int | None]:
        """Every version row of ``key``, oldest first, and the current version id."""
        q = sa.select(self.versions).where(*self._of(key)).order_by(self.versions.c.number)
        return list(conn.execute(q).mappings().all()), self.current(conn, key)

    # ----- writes (inside Store.write()) --------------------------------------------
    def lock(self, conn: Connection, key: Key, **defaults: object) -> int | None:
        """Hold ``key``'s write lock until the transaction ends; return its current
        version id. A missing head row is created with ``defaults`` (heads whose pointer
        may be empty only)."""
        if self.heads.c[self.pointer].nullable:
            return lock_row(conn, self.heads, self._head(key), **defaults)[self.pointer]
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(self._lock_id(key))))
        return self.current(conn, key)

    def add(
        self,
        conn: Connection,
        key: Key,
        row: dict[str, object],
        change: Change,
        *,
        fill: Callable[[int], None] | None = None,
        **head: object,
    ) -> tuple[int, int]:
        """Insert ``row`` as the next version of ``key`` and make it current (setting
        ``head``'s extra columns too); ``fill(id)`` writes what the version holds before
        the audit row. Returns (id, number)."""
        self.lock(conn, key)
        top = sa.select(sa.func.max(self.versions.c.number)).where(*self._of(key))
        number = (conn.execute(top).scalar() or 0) + 1
        ins = self.versions.insert().values(
            **dict(zip(self.key, key, strict=True)), number=number, **row
        )
        vid = int(conn.execute(ins).inserted_primary_key[0])
        if fill is not None:
            fill(vid)
        self._point(conn, key, vid, head)
        detail = {self.number_label: number, **change.detail}
        record(conn, replace(change, detail=detail), vid if self.audit_id else None)
        return vid, number

    def restore(
        self,
        conn: Connection,
        key: Key,
        version: Mapping[str, Any],
        change: Change,
        **head: object,
    ) -> int | None:
        """Make the stored ``version`` (a row of ``key``) current again: a rollback, or
        an identical file uploaded again. Returns the version id that was current."""
        before = self.lock(conn, key)
        self._point(conn, key, int(version["id"]), head)
        detail = {**change.detail, "from_version_id": before, "to_number": version["number"]}
        record(conn, replace(change, detail=detail), version["id"] if self.audit_id else None)
        return before

    def _point(self, conn: Connection, key: Key, vid: int, head: dict[str, object]) -> None:
        values = {self.pointer: vid, **head}
        done = conn.execute(self.heads.update().where(*self._head_of(key)).values(**values))
        if not done.rowcount:
            conn.execute(self.heads.insert().values(**self._head(key), **values))

    def _lock_id(self, key: Key) -> int:
        """A signed 64-bit advisory lock number for (head table, key)."""
        text = repr((self.heads.name, tuple(str(k) for k in key))).encode()
        return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big", signed=True)
