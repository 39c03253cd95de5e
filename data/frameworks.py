"""Index structure per edition, as data (data/files/frameworks.csv).

An edition's *inputs* are the indicators with points (main indices from 2021, the three
pillars in 2020). Every composite is a points-weighted mean of its members:

    pillar P = sum(points_i * v_i for i in P) / sum(points_i for i in P)
    dti      = sum(points_i * v_i for all inputs) / sum(points_i)

In 2020 the pillars are themselves the inputs (400/300/300 of 1000 points). Weights are
never written in code; they are read here and validated on load. The records themselves
(Framework, Indicator) live in domain.framework, importable by every layer.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from domain.framework import (
    ALL_INDICATORS,
    GROUPS,
    MAIN_INDICES,
    PILLARS,
    TOTAL,
    Framework,
    FrameworkError,
    Indicator,
    validate,
)

__all__ = [
    "ALL_INDICATORS",
    "FILES",
    "GROUPS",
    "MAIN_INDICES",
    "PILLARS",
    "TOTAL",
    "Framework",
    "FrameworkError",
    "Indicator",
    "edition_unit_sets",
    "editions",
    "framework",
    "frameworks",
]

_validate = validate  # the name tests and older callers use

FILES = Path(__file__).resolve().parent / "files"


@cache
def frameworks() -> dict[int, Framework]:
    """All editions' frameworks, validated."""
    rows: dict[int, list[dict[str, str]]] = {}
    with open(FILES / "frameworks.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(int(row["edition"]), []).append(row)
    out: dict[int, Framework] = {}
    for edition, rs in sorted(rows.items()):
        inds = [
            Indicator(
                code=r["indicator"],
                group=r["group"],
                points=float(r["points"]) if r["points"] else None,
                pillars=tuple(p for p in r["pillars"].split("|") if p),
                label_vi=r["label_vi"],
                label_en=r["label_en"],
            )
            for r in rs
        ]
        members = validate(edition, inds)
        out[edition] = Framework(edition, tuple(inds), rs[0]["basis"], members)
    return out


def framework(edition: int) -> Framework:
    try:
        return frameworks()[int(edition)]
    except KeyError:
        raise FrameworkError(f"no framework for edition {edition}") from None


def editions() -> list[int]:
    return sorted(frameworks())


def edition_unit_sets() -> list[tuple[int, str]]:
    """(edition, unit_set) pairs the DTI was published for."""
    with open(FILES / "editions.csv", encoding="utf-8") as fh:
        return [(int(r["edition"]), r["unit_set"]) for r in csv.DictReader(fh)]
