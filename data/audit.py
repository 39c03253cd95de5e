"""The audit trail and the data-version stamp, written inside the change's own transaction.

``record`` inserts an audit row and queues its log line (``data.logs``), which is emitted
when the transaction commits and dropped when it rolls back (``log_after_commit`` installs
that on an engine). ``bump`` changes the data-version stamp that app caches key on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data.tables import audit as audit_table
from data.tables import meta

PENDING_LOG = "dti_pending_log"  # conn.info key: log lines waiting for the commit


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Change:
    """Who changed what: the audit row of one change, without its version facts (the
    versioned-store helper adds the version id and number)."""

    user: str
    action: str
    edition: int | None = None
    unit_set: str | None = None
    file_name: str | None = None
    sha256: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


def record(conn: Connection, change: Change, version_id: int | None = None) -> None:
    """Write ``change``'s audit row; its log line follows the commit."""
    detail = dict(change.detail)
    conn.execute(
        audit_table.insert().values(
            at=now(),
            user=change.user,
            action=change.action,
            edition=change.edition,
            unit_set=change.unit_set,
            version_id=version_id,
            file_name=change.file_name,
            sha256=change.sha256,
            detail=json.dumps(detail, ensure_ascii=False),
        )
    )
    fields = {
        "action": change.action,
        "user": change.user,
        "edition": change.edition,
        "unit_set": change.unit_set,
        "version": detail.get("number", detail.get("to_number")),
        "version_id": version_id,
        "file": change.file_name,
        "sha256": change.sha256,
    }
    fields.update({k: v for k, v in detail.items() if k not in fields and k != "number"})
    fields.pop("to_number", None)
    conn.info.setdefault(PENDING_LOG, []).append(fields)


def bump(conn: Connection) -> None:
    """A new data-version stamp (app caches key on it), in the caller's transaction."""
    stamp = uuid.uuid4().hex
    updated = conn.execute(
        meta.update().where(meta.c.key == "data_version").values(value=stamp)
    ).rowcount
    if not updated:
        conn.execute(meta.insert().values(key="data_version", value=stamp))


_commits = [0]


def commits() -> int:
    """How many transactions this process has committed on its stores (any write moves
    it): a reader that holds the data-version stamp for a while reads it again when this
    has moved, so a write is seen at once by the process that made it."""
    return _commits[0]


def log_after_commit(eng: Engine) -> Engine:
    """Audited changes are logged (data.logs) when their transaction commits, and never
    when it rolls back: ``record`` queues them on the connection."""

    @sa.event.listens_for(eng, "commit")
    def _emit(conn: Connection) -> None:
        from data.logs import event

        _commits[0] += 1
        for fields in conn.info.pop(PENDING_LOG, []):
            event(fields.pop("action"), **fields)

    @sa.event.listens_for(eng, "rollback")
    def _drop(conn: Connection) -> None:
        conn.info.pop(PENDING_LOG, None)

    return eng
