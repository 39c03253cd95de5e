"""User mappings for headers and province names the alias tables do not know.

Header mappings ``{"header text": "code"}`` (code may be ``<indicator>``,
``<indicator>:rank``, ``province`` or ``ignore``) and province mappings
``{unit_set: {"name as written": "code"}}`` are saved as JSON in the folder named by
``DTI_CONFIG_DIR`` (default ``$XDG_CONFIG_HOME/dti-dashboard`` or
``~/.config/dti-dashboard``) after a successful import, and reused for later files."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path

from data.frameworks import ALL_INDICATORS, indicator_codes
from data.ingest.table import header_key, norm
from data.provinces import UNIT_SETS, by_code

# Codes of a framework being declared with the file being parsed (set by parse()): its new
# indices are valid mapping targets before the framework is stored.
DECLARING_CODES: ContextVar[frozenset[str]] = ContextVar("declaring_codes", default=frozenset())


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


def config_dir() -> Path:
    env = os.environ.get("DTI_CONFIG_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dti-dashboard"


def mappings_path() -> Path:
    return config_dir() / "header_mappings.json"


def province_mappings_path() -> Path:
    return config_dir() / "province_mappings.json"


def _write_json(p: Path, data: object) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(p)
    return p


def load_saved_mappings(path: Path | None = None) -> dict[str, str]:
    p = path or mappings_path()
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_mappings(mapping: Mapping[str, str], path: Path | None = None) -> Path:
    """Merge ``mapping`` into the saved mappings (validated first) and write them."""
    normalise_mapping(mapping)
    p = path or mappings_path()
    return _write_json(p, {**load_saved_mappings(p), **dict(mapping)})


def header_mapping(
    mapping: Mapping[str, str] | None, use_saved: bool
) -> dict[str, tuple[str, str]]:
    """The saved header mappings (unless ``use_saved`` is False) overlaid by ``mapping``."""
    try:
        user_map = normalise_mapping(load_saved_mappings() if use_saved else {})
    except ValueError:
        user_map = {}  # a broken saved file must not block imports; explicit mappings do
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


def load_saved_province_mappings(path: Path | None = None) -> dict[str, dict[str, str]]:
    p = path or province_mappings_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
        normalise_province_mapping(data)
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(u): {str(k): str(v) for k, v in m.items()} for u, m in data.items()}


def save_province_mappings(
    mapping: Mapping[str, Mapping[str, str]], path: Path | None = None
) -> Path:
    """Merge ``mapping`` ({unit_set: {name: code}}) into the saved ones and write them."""
    normalise_province_mapping(mapping)
    p = path or province_mappings_path()
    merged = load_saved_province_mappings(p)
    for unit_set, by_name in mapping.items():
        merged.setdefault(unit_set, {}).update({str(k): str(v) for k, v in by_name.items()})
    return _write_json(p, merged)


def province_mapping(
    mapping: Mapping[str, Mapping[str, str]] | None, use_saved: bool
) -> dict[str, dict[str, str]]:
    """The saved province mappings (unless ``use_saved`` is False) overlaid by ``mapping``."""
    out = normalise_province_mapping(load_saved_province_mappings() if use_saved else {})
    for u, m in normalise_province_mapping(mapping).items():
        out.setdefault(u, {}).update(m)
    return out
