"""Province registry: the 63 pre-2025 provinces, the 34 post-2025 ones, the 63->34 map.

Facts come from Resolution 202/2025/QH15 (see data/files/provinces_63.csv). Units are
always joined by GSO code, never by name: the new Lào Cai carries old Yên Bái's code 15.

Names are resolved by ``normalise`` + an explicit alias table. An unknown name is an
error that lists the closest known names; there is no silent fuzzy match.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from domain.units import (  # noqa: F401 - re-exported; their home is domain.units
    REGIONS,
    UNIT_SETS,
    region_name,
)

FILES = Path(__file__).resolve().parent / "files"

_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp.", "tp ")


class UnknownProvinceError(ValueError):
    """A name that is neither a province nor a known alias."""

    def __init__(self, name: str, unit_set: str, suggestions: list[str]):
        self.name = name
        self.unit_set = unit_set
        self.suggestions = suggestions
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown province {name!r} in the {unit_set}-province set{hint}")


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    region_code: str
    unit_set: str
    successor_code: str | None  # 63-set only: the 34-set unit it became part of


def normalise(name: str) -> str:
    """Fold a province name to a comparison key.

    NFC, casefold, đ->d, strip combining marks, drop "Tỉnh"/"Thành phố"/"TP." prefixes,
    punctuation and spaces. "TP. Hồ Chí Minh" and "ho chi minh" give the same key.
    """
    text = unicodedata.normalize("NFC", str(name)).strip().casefold()
    text = text.replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = re.sub(r"\s+", " ", text)
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return re.sub(r"[^a-z0-9]", "", text)


@cache
def provinces(unit_set: str = "63") -> tuple[Province, ...]:
    """All units of a set, in GSO-code order."""
    if unit_set not in UNIT_SETS:
        raise ValueError(f"unit set must be one of {UNIT_SETS}, got {unit_set!r}")
    with open(FILES / f"provinces_{unit_set}.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = tuple(
        Province(
            code=r["code"],
            name=r["name"],
            region_code=r["region_code"],
            unit_set=unit_set,
            successor_code=r.get("successor_code") or None,
        )
        for r in rows
    )
    _check_registry(out, unit_set)
    return out


def _check_registry(units: tuple[Province, ...], unit_set: str) -> None:
    codes = [u.code for u in units]
    expected = int(unit_set)
    if len(codes) != expected or len(set(codes)) != expected:
        raise RuntimeError(f"province registry {unit_set}: expected {expected} unique codes")
    for u in units:
        if not re.fullmatch(r"\d{2}", u.code) or u.region_code not in REGIONS:
            raise RuntimeError(f"province registry {unit_set}: bad row {u}")


@cache
def by_code(unit_set: str = "63") -> dict[str, Province]:
    """code -> Province of the unit set (cached: do not modify)."""
    return {p.code: p for p in provinces(unit_set)}


def name_of(code: str, unit_set: str = "63") -> str:
    """Official name of a province code (KeyError for an unknown one)."""
    return by_code(unit_set)[code].name


@cache
def _aliases() -> dict[tuple[str, str], str]:
    """(unit_set, normalised alias) -> code, from the alias table plus official names."""
    table: dict[tuple[str, str], str] = {}
    for unit_set in UNIT_SETS:
        for p in provinces(unit_set):
            table[(unit_set, normalise(p.name))] = p.code
    with open(FILES / "province_aliases.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            sets = UNIT_SETS if row["unit_set"] == "*" else (row["unit_set"],)
            for unit_set in sets:
                if row["code"] not in by_code(unit_set):
                    continue
                key = (unit_set, normalise(row["alias"]))
                if table.get(key, row["code"]) != row["code"]:
                    raise RuntimeError(f"alias {row['alias']!r} is ambiguous in set {unit_set}")
                table[key] = row["code"]
    return table


def resolve(name: str, unit_set: str = "63") -> str:
    """Return the GSO code for a province name in any known spelling.

    Raises UnknownProvinceError with up to three suggestions when the name is unknown.
    Example: resolve("TP HCM") == "79"; resolve("Thừa Thiên - Huế") == "46".
    """
    key = normalise(name)
    code = _aliases().get((unit_set, key))
    if code is not None:
        return code
    raise UnknownProvinceError(str(name), unit_set, suggest(name, unit_set))


def suggest(name: str, unit_set: str = "63", n: int = 3) -> list[str]:
    """Closest official names, for error messages only (never used to resolve)."""
    key = normalise(name)
    names = {normalise(p.name): p.name for p in provinces(unit_set)}
    for (s, alias), code in _aliases().items():
        if s == unit_set:
            names.setdefault(alias, name_of(code, unit_set))
    close = difflib.get_close_matches(key, list(names), n=n * 3, cutoff=0.5)
    out: list[str] = []
    for c in close:
        if names[c] not in out:
            out.append(names[c])
    return out[:n]


def successor(code: str) -> str:
    """The 34-set unit that a 63-set province became part of (by code)."""
    return by_code("63")[code].successor_code or code


def predecessors(code_34: str) -> list[str]:
    """The 63-set provinces merged into a 34-set unit, in code order."""
    return [p.code for p in provinces("63") if p.successor_code == code_34]
