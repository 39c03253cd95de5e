"""One structured log for operations: imports, rollbacks, declarations, backups, restores,
sign-ins. Every line is one event, as key=value pairs (logfmt) or, with
``DTI_LOG_FORMAT=json``, one JSON object::

    ts=2026-12-01T21:40:00Z level=info event=import edition=2022 unit_set=63 version=2 user=it

Lines go to stderr (systemd's journal keeps them: ``journalctl -u 'dti@*'``); the level is
``DTI_LOG_LEVEL`` (default INFO). Callers pass facts only: never a password or a hash.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

LOGGER = "dti"
_FIELDS = "dti_fields"


def _quote(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and not any(c in text for c in ' "=\\\n\t'):
        return text
    return json.dumps(text, ensure_ascii=False)


class _Formatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        head = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        fields = {**head, **getattr(record, _FIELDS, {})}
        if self.as_json:
            return json.dumps(fields, ensure_ascii=False, default=str)
        # key=value lines leave out unknown (None) facts; JSON keeps them as null.
        return " ".join(f"{k}={_quote(v)}" for k, v in fields.items() if v is not None)


def logger() -> logging.Logger:
    """The project's logger, configured once per process (idempotent)."""
    log = logging.getLogger(LOGGER)
    if not any(getattr(h, "_dti", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler._dti = True  # type: ignore[attr-defined]
        handler.setFormatter(_Formatter(os.environ.get("DTI_LOG_FORMAT", "").lower() == "json"))
        log.addHandler(handler)
        log.setLevel(os.environ.get("DTI_LOG_LEVEL", "INFO").upper())
        log.propagate = False  # Streamlit configures the root logger its own way
    return log


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one operational event with its facts (version, user, file, ...)."""
    logger().log(level, name, extra={_FIELDS: fields})
