"""Unit names of a registry (departments, communes …): keys, codes, kinds, suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

UNIT_KINDS: tuple[str, ...] = ("so_ban_nganh", "huyen", "xa", "phuong", "dac_khu", "khac")
_KIND_PREFIXES: tuple[tuple[str, str], ...] = (
    ("dac khu", "dac_khu"),
    ("phuong", "phuong"),
    ("xa ", "xa"),
    ("thi tran", "xa"),
    ("huyen", "huyen"),
    ("thi xa", "huyen"),
    ("thanh pho", "huyen"),
    ("so ", "so_ban_nganh"),
    ("ban ", "so_ban_nganh"),
    ("van phong", "so_ban_nganh"),
    ("thanh tra", "so_ban_nganh"),
    ("cong an", "so_ban_nganh"),
    ("bo chi huy", "so_ban_nganh"),
    ("dai ", "so_ban_nganh"),
    ("truong", "so_ban_nganh"),
)


def fold(name: str) -> str:
    """NFC, casefold, đ->d, no diacritics, single spaces (keeps words apart)."""
    text = unicodedata.normalize("NFC", str(name)).strip().casefold().replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", " ", text)).strip()


def unit_key(name: str) -> str:
    """Comparison key of a unit name: "Sở Tài chính" == "SO TAI CHINH" == "sở tài-chính"."""
    return fold(name).replace(" ", "")


def unit_code(name: str, taken: set[str]) -> str:
    """A stable code from the name ("Sở Tài chính" -> "so-tai-chinh"), unique in ``taken``."""
    base = fold(name).replace(" ", "-")[:60] or "unit"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def unit_kind(name: str) -> str:
    """sở/ban/ngành, huyện, xã, phường, đặc khu from the name's first words; else "khac"."""
    key = fold(name) + " "
    for prefix, kind in _KIND_PREFIXES:
        if key.startswith(prefix):
            return kind
    return "khac"


def lookup(units: pd.DataFrame) -> dict[str, str]:
    """key -> code over codes, vi names and en names of a registry's units."""
    out: dict[str, str] = {}
    for u in units.itertuples(index=False):
        for name in (u.code, u.name_vi, u.name_en):
            if isinstance(name, str) and name:
                out.setdefault(unit_key(name), str(u.code))
    return out


def suggest(name: str, units: pd.DataFrame, n: int = 3) -> list[str]:
    """The closest registered vi names, for messages only (never used to resolve)."""
    names = {unit_key(u.name_vi): str(u.name_vi) for u in units.itertuples(index=False)}
    close = difflib.get_close_matches(unit_key(name), list(names), n=n, cutoff=0.6)
    return [names[c] for c in close]
