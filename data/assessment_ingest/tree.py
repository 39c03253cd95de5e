"""Criterion numbering -> a framework tree (pure).

Accepted numbering, mixed as people write it:
- dotted Arabic: ``1``, ``1.1``, ``1.1.1`` (a trailing dot or bracket is ignored); the
  parent of ``1.2.3`` is ``1.2``;
- Roman numerals ``I``, ``II`` …: top-level groups; Arabic numbers below them restart in
  each group, so their codes are prefixed (``II.1``, ``II.1.2``);
- letters ``a)``, ``b.``: children of the last numbered row above (``1.2.a``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOTTED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]?$")
_ROMAN = re.compile(r"^([IVXL]{1,6})[.)]?$")
_LETTER = re.compile(r"^([a-zđ])[.)]$|^([a-zđ])$")
_LEADING = re.compile(r"^\s*((?:\d{1,3}(?:\.\d{1,3})*|[IVXL]{1,6})[.)]?|[a-zđ][.)])\s+(.*)$")


def number_text(value: object) -> str:
    """A numbering cell as text: Excel stores ``1.1`` as the float 1.1 and ``2`` as 2.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value).strip()


def split_leading_number(label: str) -> tuple[str, str]:
    """ "1.2. Ban chỉ đạo họp" -> ("1.2", "Ban chỉ đạo họp"); no number -> ("", label)."""
    m = _LEADING.match(label)
    if not m:
        return "", label
    return m.group(1), m.group(2).strip()


@dataclass
class TreeBuilder:
    """Feeds numbering tokens in row order; returns (code, parent_code) or None."""

    roman: str | None = None
    last_numbered: str | None = None
    uses_roman: bool = False

    def add(self, token: str) -> tuple[str, str | None] | None:
        tok = token.strip()
        if not tok:
            return None
        m = _ROMAN.match(tok)
        if m and not _DOTTED.match(tok):
            self.roman = m.group(1)
            self.uses_roman = True
            self.last_numbered = self.roman
            return self.roman, None
        m = _DOTTED.match(tok)
        if m:
            parts = m.group(1).split(".")
            local = ".".join(str(int(p)) for p in parts)
            prefix = f"{self.roman}." if self.roman else ""
            code = prefix + local
            if len(parts) == 1:
                parent = self.roman
            else:
                parent = prefix + ".".join(str(int(p)) for p in parts[:-1])
            self.last_numbered = code
            return code, parent
        m = _LETTER.match(tok.casefold())
        if m and self.last_numbered:
            letter = m.group(1) or m.group(2)
            return f"{self.last_numbered}.{letter}", self.last_numbered
        return None
