"""Located vi/en problems of the criterion workbooks and their column vocabulary
(``data/files/assessment_headers.csv``: alias -> role, matched after folding case and
diacritics; exact first, then the longest alias contained in the header)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from data.assessment_ingest.reuse import (
    Problem,
    text,
)
from data.assessment_ingest.units import unit_key
from i18n import fmt_num, t

FILES = Path(__file__).resolve().parents[1] / "files"
ROLES = ("stt", "label", "max", "self", "appraised", "notes", "unit", "total", "rank", "ignore")

# --------------------------------------------------------------------------- problems


def _fmt(value: Any, lang: str) -> str:
    if isinstance(value, float):
        return fmt_num(value, lang, decimals=2)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, _Kind):
        return t(f"assess.kind.{value.kind}", lang)
    return str(value)


@dataclass(frozen=True)
class _Kind:
    """A score kind in a message, translated per language."""

    kind: str


def aproblem(
    code: str,
    /,
    *,
    sheet: str | None,
    cell: str | None,
    file: str = "",
    severity: str = "error",
    subject: str | None = None,
    row: int | None = None,
    **params: Any,
) -> Problem:
    """A located problem whose vi/en text is ``assess.err.<code>`` in i18n/strings.csv."""
    base = {"sheet": sheet or "", "cell": cell or "", "file": file}
    vi = t(f"assess.err.{code}", "vi", **base, **{k: _fmt(v, "vi") for k, v in params.items()})
    en = t(f"assess.err.{code}", "en", **base, **{k: _fmt(v, "en") for k, v in params.items()})
    return Problem(code, vi, en, severity, file, sheet, cell, row, None, subject)


# --------------------------------------------------------------------------- vocabulary


def fold_header(value: Any) -> str:
    return unit_key(text(value))


@cache
def header_vocabulary() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(exact key -> role, (key, role) for containment, longest first)."""
    exact: dict[str, str] = {}
    with open(FILES / "assessment_headers.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["role"] not in ROLES:
                raise RuntimeError(f"assessment header {row['alias']!r}: unknown role")
            exact[fold_header(row["alias"])] = row["role"]
    contained = tuple(
        sorted(((k, r) for k, r in exact.items() if len(k) >= 5), key=lambda x: -len(x[0]))
    )
    return exact, contained


def header_role(value: Any) -> str | None:
    key = fold_header(value)
    if not key:
        return None
    exact, contained = header_vocabulary()
    if key in exact:
        return exact[key]
    for k, role in contained:
        if k in key:
            return role
    return None
