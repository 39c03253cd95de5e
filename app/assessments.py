"""Validate, import, publish and roll back internal assessments: the one code path used by
the CLI (``python -m data import FILE --assessment KEY …``) and by the upload page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data.assessment_ingest.parse import AssessmentResult, aproblem, parse_assessment
from data.assessment_ingest.units import lookup, suggest, unit_key
from data.assessments_store import AssessmentData, AssessmentImport, AssessmentStore
from data.store import Store

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
YEARS = range(2015, 2101)


class AssessmentUsageError(ValueError):
    """A bad key or year: a usage error (exit code 2), not a bad file."""


def check_key(key: str, year: int) -> None:
    if not KEY_RE.match(key or ""):
        raise AssessmentUsageError(
            f"assessment key {key!r} must be a slug of lower-case letters, digits and '-' "
            "(e.g. so-nganh)"
        )
    if year not in YEARS:
        raise AssessmentUsageError(f"year {year} is outside {YEARS.start}–{YEARS.stop - 1}")


def registry_of(store: Store, key: str) -> pd.DataFrame:
    a = AssessmentStore(store)
    found = a.assessment(key)
    return a.units(found["registry_key"] if found else key)


def stored_framework(store: Store, key: str, year: int) -> pd.DataFrame | None:
    """The framework tree of the assessment's edition for ``year`` if stored, else of its
    latest earlier edition, else of its earliest later one (None for a new assessment)."""
    a = AssessmentStore(store)
    years = sorted(e.year for e in a.editions(include_unpublished=True) if e.assessment_key == key)
    if not years:
        return None
    before = [y for y in years if y <= year]
    data = a.load(key, before[-1] if before else years[0])
    return data.nodes if data is not None else None


def validate(
    store: Store, data: bytes, file_name: str, key: str, year: int, register_units: bool
) -> AssessmentResult:
    """Parse and check a workbook against the assessment's registry and stored framework
    (for maxima the file leaves out); writes nothing."""
    check_key(key, year)
    return parse_assessment(
        data,
        file_name,
        registry=registry_of(store, key),
        register_units=register_units,
        framework=stored_framework(store, key, year),
    )


@dataclass(frozen=True)
class ImportOutcome:
    result: AssessmentResult
    stored: AssessmentImport | None  # None when refused (result has the problems)


def import_file(
    store: Store,
    data: bytes,
    file_name: str,
    key: str,
    year: int,
    *,
    user: str,
    register_units: bool = False,
    title: str | None = None,
) -> ImportOutcome:
    """Validate, then store as a new (unpublished) version, all or nothing."""
    res = validate(store, data, file_name, key, year, register_units)
    if not res.ok:
        return ImportOutcome(res, None)
    stored = AssessmentStore(store).import_edition(
        key,
        year,
        nodes=res.nodes,
        values=res.values,
        new_units=res.new_units if register_units else None,
        layout=res.layout or "",
        file_name=file_name,
        file_bytes=data,
        user=user,
        title=title,
    )
    return ImportOutcome(res, stored)


def resolve_unit(data: AssessmentData, name: str) -> str:
    """A unit's code from its code, vi or en name (any case/diacritics); KeyError with
    the closest names otherwise."""
    code = lookup(data.units).get(unit_key(name))
    present = set(data.values["unit_code"])
    if code is None or code not in present:
        hints = suggest(name, data.units[data.units["code"].isin(present)])
        raise KeyError(", ".join(hints))
    return code


def profile_change(data: AssessmentData, code: str, lang: str) -> dict | None:
    """Change on the latest comparable earlier edition: prev_year, score_change,
    rank_change (positive = climbed), main_indices {code: points}; None without one."""
    from metrics.assessment import change_vs_previous, index_changes, rank_units

    a = AssessmentStore(Store())
    years = {e.year for e in a.editions(include_unpublished=True) if e.assessment_key == data.key}
    prev = previous_edition(a, data, years)
    if prev is None:
        return None
    ch = change_vs_previous(
        rank_units(data.nodes, data.values, data.units, lang),
        rank_units(prev.nodes, prev.values, prev.units, lang),
    ).set_index("unit_code")
    if code not in ch.index or pd.isna(ch.loc[code, "score_change"]):
        return None
    return {
        "prev_year": prev.year,
        "score_change": float(ch.loc[code, "score_change"]),
        "rank_change": int(ch.loc[code, "rank_change"]),
        "main_indices": index_changes(
            data.nodes, data.values, prev.nodes, prev.values, code
        ).to_dict(),
    }


def deck_inputs(key: str, year: int, lang: str, published_only: bool = True) -> Any:
    """(title, ranking, changes or None, previous year or None) for the deck's internal
    slide; None when the edition is missing (or unpublished with ``published_only``).
    Changes are against the latest earlier edition only when the main indices match."""
    from metrics.assessment import change_vs_previous, rank_units

    store = Store()
    store.init()
    a = AssessmentStore(store)
    eds = [e for e in a.editions(include_unpublished=not published_only) if e.assessment_key == key]
    if year not in {e.year for e in eds}:
        return None
    cur = a.load(key, year)
    if cur is None:
        return None
    ranking = rank_units(cur.nodes, cur.values, cur.units, lang)
    prev = previous_edition(a, cur, {e.year for e in eds})
    if prev is None:
        return cur.title, ranking, None, None
    changes = change_vs_previous(ranking, rank_units(prev.nodes, prev.values, prev.units, lang))
    return cur.title, ranking, changes, prev.year


def previous_edition(
    a: AssessmentStore, cur: AssessmentData, years: set[int]
) -> AssessmentData | None:
    """The latest edition before ``cur`` among ``years`` whose main indices match, or None."""
    from metrics.assessment import comparable

    earlier = sorted(y for y in years if y < cur.year)
    prev = a.load(cur.key, earlier[-1]) if earlier else None
    return prev if prev is not None and comparable(cur.nodes, prev.nodes) else None


__all__ = [
    "AssessmentUsageError",
    "ImportOutcome",
    "aproblem",
    "check_key",
    "deck_inputs",
    "import_file",
    "previous_edition",
    "profile_change",
    "registry_of",
    "resolve_unit",
    "validate",
]
