"""User mappings for headers and province names the alias tables do not know.

Header mappings ``{"header text": "code"}`` (code may be ``<indicator>``,
``<indicator>:rank``, ``province`` or ``ignore``) and province mappings
``{unit_set: {"name as written": "code"}}``: validated and normalised here. Saved ones live
in the store (data.mappings_store); the caller passes them to parse() as a
``SavedMappings`` record, so this package never reads the store or any saved file."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

from data.frameworks import ALL_INDICATORS, indicator_codes
from data.ingest.table import header_key, norm
from data.provinces import UNIT_SETS, by_code

# Codes of a framework being declared with the file being parsed (set by parse()): its new
# indices are valid mapping targets before the framework is stored.
DECLARING_CODES: ContextVar[frozenset[str]] = ContextVar("declaring_codes", default=frozenset())


@dataclass(frozen=True)
class SavedMappings:
    """Saved mappings as written: header {"text": "code"}, province {unit_set: {"name": "code"}}."""

    header: Mapping[str, str] = field(default_factory=dict)
    province: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.header) or any(self.province.values())


def parse_mapping_target(target: str) -> tuple[str, str]:
    """A mapping value -> (code, kind). "dti" -> value; "dti:rank"; "province"; "ignore"."""
    t = str(target).strip()
    if t == "province":
        return ("province", "label")
    if t == "ignore":
        return ("", "ignore")
    code, _, kind = t.partition(":")
    kind = kind or "value"
    # a fixed indicator, a declared new index, or one being declared with this file
    known = code in ALL_INDICATORS or code in DECLARING_CODES.get() or code in indicator_codes()
    if not known or kind not in ("value", "rank"):
        raise ValueError(
            f"mapping target {target!r} must be one of {', '.join(ALL_INDICATORS)} or a "
            "declared index code (optionally ':rank'), 'province' or 'ignore'"
        )
    return (code, kind)


def normalise_mapping(mapping: Mapping[str, str] | None) -> dict[str, tuple[str, str]]:
    """User mapping {"header": "code"} -> {header_key: (code, kind)}; ValueError if bad."""
    return {header_key(k): parse_mapping_target(v) for k, v in (mapping or {}).items()}


def header_mapping(
    mapping: Mapping[str, str] | None, saved: SavedMappings | None
) -> dict[str, tuple[str, str]]:
    """The ``saved`` header mappings overlaid by ``mapping``."""
    user_map: dict[str, tuple[str, str]] = {}
    for k, v in (saved.header if saved else {}).items():
        try:  # a saved entry that no longer holds must not block imports; explicit ones do
            user_map[header_key(k)] = parse_mapping_target(v)
        except ValueError:
            continue
    user_map.update(normalise_mapping(mapping))
    return user_map


def normalise_province_mapping(
    mapping: Mapping[str, Mapping[str, str]] | None,
) -> dict[str, dict[str, str]]:
    """{unit_set: {"name as written": "code"}} -> {unit_set: {name_key: code}}; a code
    that is not a unit of its set raises ValueError."""
    out: dict[str, dict[str, str]] = {}
    for unit_set, by_name in (mapping or {}).items():
        if unit_set not in UNIT_SETS:
            raise ValueError(f"unit set must be one of {UNIT_SETS}, got {unit_set!r}")
        codes = set(by_code(unit_set))
        for name, code in by_name.items():
            if str(code) not in codes:
                raise ValueError(f"{code!r} is not a province code of the {unit_set} set")
            out.setdefault(unit_set, {})[norm(str(name))] = str(code)
    return out


def province_mapping(
    mapping: Mapping[str, Mapping[str, str]] | None, saved: SavedMappings | None
) -> dict[str, dict[str, str]]:
    """The ``saved`` province mappings overlaid by ``mapping``."""
    try:
        out = normalise_province_mapping(saved.province if saved else {})
    except ValueError:
        out = {}
    for u, m in normalise_province_mapping(mapping).items():
        out.setdefault(u, {}).update(m)
    return out


class Hits(dict):
    """A mapping table that remembers which of its keys a parse looked up successfully:
    the mappings that produced the file's values (recorded with the version)."""

    def __init__(self, data: Mapping, seen: set) -> None:
        super().__init__(data)
        self.seen = seen

    def get(self, key, default=None):  # type: ignore[no-untyped-def, override]
        if key in self:
            self.seen.add(key)
            return self[key]
        return default


def used_mappings(
    mapping: Mapping[str, str] | None,
    province: Mapping[str, Mapping[str, str]] | None,
    saved: SavedMappings | None,
    header_hits: set,
    province_hits: dict[str, set],
) -> SavedMappings:
    """The user mappings (``saved`` overlaid by ``mapping``/``province``, as written) whose
    header or name a parse resolved through them."""
    headers = {**(saved.header if saved else {}), **(mapping or {})}
    by_set: dict[str, dict[str, str]] = {}
    for source in ((saved.province if saved else {}), province or {}):
        for u, m in source.items():
            by_set.setdefault(str(u), {}).update({str(k): str(v) for k, v in m.items()})
    return SavedMappings(
        {str(k): str(v) for k, v in headers.items() if header_key(k) in header_hits},
        {
            u: used
            for u, m in by_set.items()
            if (used := {k: v for k, v in m.items() if norm(k) in province_hits.get(u, set())})
        },
    )
