"""Problems: one located message per finding, in vi and en from i18n/strings.csv.

A ``Reporter`` binds the file (and, once found, the sheet) so that a check reports a
problem in one short call: ``rep.error("NON_NUMERIC", at=(r, c), column=h, text=x)``.
Message keys are ``ingest.<code in lower case>``; a parameter that is itself text to
translate is passed as ``Text(key, **params)``; floats go through i18n.fmt_decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from i18n import LANGS, fmt_decimal, t


@dataclass(frozen=True)
class Problem:
    """One located problem. ``row`` is 1-based as in the spreadsheet; ``column`` is the
    header text of the column (or None for file- and province-level problems)."""

    code: str
    message_vi: str
    message_en: str
    severity: str = "error"  # error | warning
    file: str = ""
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    subject: str | None = None  # the offending text (e.g. an unknown province name)

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def as_json(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message(lang),
        }


@dataclass(frozen=True)
class Text:
    """A message parameter that is itself translated: Text("ingest.kind.pdf")."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, **params: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", params)


def _param(value: Any, lang: str) -> str:
    if isinstance(value, Text):
        return t(value.key, lang, **{k: _param(v, lang) for k, v in value.params.items()})
    if isinstance(value, list):
        return ", ".join(_param(v, lang) for v in value)
    if isinstance(value, float):
        return fmt_decimal(value, lang)
    return str(value)


def message_key(code: str) -> str:
    return f"ingest.{code.lower()}"


def problem(
    code: str,
    *,
    severity: str = "error",
    file: str = "",
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    column: str | None = None,
    subject: str | None = None,
    **params: Any,
) -> Problem:
    """A Problem with both messages filled from the translation table."""
    base = {"file": file, "sheet": sheet, "cell": cell, "row": row, "header": column}
    merged = {**base, **params}
    vi, en = (
        t(message_key(code), lang, **{k: _param(v, lang) for k, v in merged.items()})
        for lang in LANGS
    )
    return Problem(code, vi, en, severity, file, sheet, cell, row, column, subject)


class IngestError(Exception):
    """Raised internally to stop at a file-level problem; parse() turns it into a result."""

    def __init__(self, prob: Problem):
        self.problem = prob
        super().__init__(prob.message_en)


def col_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 27 -> AB)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) -> "E12"."""
    return f"{col_letter(col)}{row + 1}"


@dataclass
class Reporter:
    """Collects problems for one file (and sheet): every call is one located problem.

    ``at=(row, col)`` (0-based) sets the cell reference and the 1-based row."""

    problems: list[Problem]
    file: str
    sheet: str | None = None

    def on(self, sheet: str) -> Reporter:
        return Reporter(self.problems, self.file, sheet)

    def make(
        self, code: str, severity: str, at: tuple[int, int] | None, kw: dict[str, Any]
    ) -> Problem:
        if at is not None:
            kw = {"cell": cell_ref(*at), "row": at[0] + 1, **kw}
        return problem(code, severity=severity, **{"file": self.file, "sheet": self.sheet, **kw})

    def error(self, code: str, *, at: tuple[int, int] | None = None, **kw: Any) -> None:
        self.problems.append(self.make(code, "error", at, kw))

    def warn(self, code: str, *, at: tuple[int, int] | None = None, **kw: Any) -> None:
        self.problems.append(self.make(code, "warning", at, kw))

    def fail(self, code: str, **kw: Any) -> IngestError:
        """The error that stops the parse: ``raise rep.fail("NO_TABLE")``."""
        return IngestError(self.make(code, "error", None, kw))
