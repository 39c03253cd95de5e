"""The index structure of an edition: indicators, points, pillars, and its validation
(pure records; no IO). Every layer may import this module; reading and storing frameworks
(bundled CSV, the store) is data.frameworks' job, which re-exports these names.

An edition's *inputs* are the indicators with points (main indices from 2021, the three
pillars in 2020). Every composite is a points-weighted mean of its members:

    pillar P = sum(points_i * v_i for i in P) / sum(points_i for i in P)
    dti      = sum(points_i * v_i for all inputs) / sum(points_i)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from i18n import t

MAIN_INDICES: tuple[str, ...] = (
    "awareness",
    "institutions",
    "infrastructure",
    "human_resources",
    "cybersecurity",
    "gov_activity",
    "econ_activity",
    "soc_activity",
)
PILLARS: tuple[str, ...] = ("gov", "econ", "soc")
TOTAL = "dti"
ALL_INDICATORS: tuple[str, ...] = MAIN_INDICES + PILLARS + (TOTAL,)
GROUPS = ("foundation", "activity", "pillar", "total")
STATUSES = ("official", "assumed", "declared")
CSV_COLUMNS = [
    "edition",
    "indicator",
    "group",
    "points",
    "pillars",
    "label_vi",
    "label_en",
    "status",
    "basis",
]
# A declared new index: lower-case ASCII code, not clashing with the fixed ones.
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
DEFAULT_TOTAL_POINTS = 1000.0


@dataclass(frozen=True)
class FrameworkProblem:
    """One located problem of a framework: ``where`` says which row/indicator."""

    code: str
    where: str
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str = "vi") -> str:
        return f"{self.where}: " + t(f"fw.{self.code}", lang, **dict(self.params))


class FrameworkError(ValueError):
    """A framework that cannot be stored or found; ``problems`` are located messages."""

    def __init__(self, problems: list[FrameworkProblem] | str):
        if isinstance(problems, str):
            problems = [FrameworkProblem("generic", "framework", {"text": problems})]
        self.problems = problems
        super().__init__("; ".join(p.message("en") for p in problems))

    def messages(self, lang: str = "vi") -> list[str]:
        return [p.message(lang) for p in self.problems]


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    points: float | None
    pillars: tuple[str, ...]
    label_vi: str
    label_en: str
    parent: str | None = None  # deeper trees (own assessments) keep the same shape

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class Framework:
    edition: int
    indicators: tuple[Indicator, ...]
    basis: str
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    status: str = "official"
    unit_set: str = ""
    number: int = 0  # version within (edition, unit set); 0 = not stored
    user: str = ""
    created_at: str = ""

    @property
    def inputs(self) -> tuple[str, ...]:
        """Indicators with points: what a province is scored on."""
        return tuple(i.code for i in self.indicators if i.points and i.group != "total")

    @property
    def points(self) -> dict[str, float]:
        return {i.code: float(i.points) for i in self.indicators if i.points and i.group != "total"}

    @property
    def total_points(self) -> float:
        return sum(self.points.values())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
    def composites(self) -> tuple[str, ...]:
        """Computed measures: pillars that are not inputs, then the total."""
        return tuple(p for p in PILLARS if p not in self.inputs) + (TOTAL,)

    def get(self, code: str) -> Indicator:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    def weights(self, composite: str) -> dict[str, float]:
        """Points of the inputs that make up a composite (pillar or dti)."""
        if composite == TOTAL:
            return self.points
        return {c: self.points[c] for c in self.members[composite]}

    def comparable_with(self, other: Framework) -> bool:
        """Two editions are comparable only under the same inputs and points, and neither
        framework merely assumed (a declared one is the Department's own statement)."""
        return self.points == other.points and not self.assumed and not other.assumed

    @property
    def assumed(self) -> bool:
        return self.status == "assumed"

    def basis_line(self, lang: str = "vi") -> str:
        """``official: QĐ …`` / ``assumed: …`` / ``declared by NAME on DATE: TEXT``."""
        if self.status == "declared":
            return t(
                "fw.basis.declared",
                lang,
                user=self.user,
                date=self.created_at[:10],
                text=self.basis,
            )
        return t(f"fw.basis.{self.status}", lang, text=self.basis)


# --------------------------------------------------------------------------- validation


FIRST_YEAR = 2020


def year_range() -> range:
    """Years an edition may be declared or templated for: 2020 .. current year + 1."""
    return range(FIRST_YEAR, datetime.now(UTC).year + 2)


def check_year(year: int) -> None:
    if int(year) not in year_range():
        r = year_range()
        raise FrameworkError(
            [
                FrameworkProblem(
                    "year_range", f"DTI {year}", {"year": year, "first": r[0], "last": r[-1]}
                )
            ]
        )


def structure_base_of(fws: Mapping[int, Framework], year: int | None = None) -> Framework:
    """Of ``fws`` (edition -> framework), the one whose structure (groups, pillars, labels)
    a new edition starts from: the latest before ``year`` scored on main indices (not
    pillars)."""
    cands = [e for e, fw in fws.items() if "dti" in fw.codes and "gov" not in fw.inputs]
    if year is not None:
        before = [e for e in cands if e < int(year)]
        cands = before or cands
    return fws[max(cands)]


def _fmt_pts(x: float) -> str:
    return f"{x:g}"


def validate(
    edition: int,
    inds: Iterable[Indicator],
    where: Mapping[str, str] | None = None,
    total_points: float | None = None,
) -> dict[str, tuple[str, ...]]:
    """Check a framework's structure; return pillar -> scored members.

    Every problem is collected (``FrameworkError.problems``) and located by ``where``
    (indicator code -> "frameworks.csv row 7"; default "edition E, indicator C"). Rules:
    known groups; codes are the known indicators or a declared new index (lower-case
    ``[a-z][a-z0-9_]*`` with both labels, foundation or activity); points positive; every
    activity index in exactly one pillar; every pillar with a scored member; a total row;
    the total's points (when given) equal the sum of the inputs' points.
    """
    inds = list(inds)
    loc = dict(where or {})

    def at(code: str) -> str:
        return loc.get(code) or f"DTI {edition} / {code}"

    problems: list[FrameworkProblem] = []
    seen: set[str] = set()
    for i in inds:
        if i.code in seen:
            problems.append(FrameworkProblem("duplicate", at(i.code), {"code": i.code}))
        seen.add(i.code)
        problems += _indicator_problems(i, at(i.code))
    scored = [i for i in inds if i.points and i.points > 0 and i.group != "total"]
    members: dict[str, list[str]] = {p: [] for p in PILLARS}
    for i in scored:
        for p in i.pillars:
            if p in members:
                members[p].append(i.code)
    problems += _structure_problems(edition, inds, scored, members, at, total_points)
    if problems:
        raise FrameworkError(problems)
    return {p: tuple(m) for p, m in members.items()}


def _is_new_index(i: Indicator) -> bool:
    """A declared new index: a well-formed code, foundation or activity, both labels."""
    return bool(
        CODE_RE.match(i.code)
        and i.group in ("foundation", "activity")
        and i.label_vi.strip()
        and i.label_en.strip()
    )


def _indicator_problems(i: Indicator, where: str) -> list[FrameworkProblem]:
    """One indicator's own problems: its group, code, points and pillars."""
    if i.group not in GROUPS:
        return [
            FrameworkProblem("unknown_group", where, {"group": i.group, "known": ", ".join(GROUPS)})
        ]
    if i.code not in ALL_INDICATORS and not _is_new_index(i):
        return [
            FrameworkProblem(
                "unknown_code", where, {"code": i.code, "known": ", ".join(MAIN_INDICES)}
            )
        ]
    out: list[FrameworkProblem] = []
    if i.points is not None and not i.points > 0:
        out.append(FrameworkProblem("points_positive", where, {"points": _fmt_pts(i.points)}))
    if i.group in ("foundation", "activity") and not i.points:
        out.append(FrameworkProblem("points_missing", where, {"code": i.code}))
    for p in i.pillars:
        if p not in PILLARS:
            out.append(
                FrameworkProblem(
                    "unknown_pillar", where, {"pillar": p, "known": ", ".join(PILLARS)}
                )
            )
    if i.group == "activity" and len(i.pillars) != 1:
        out.append(FrameworkProblem("activity_one_pillar", where, {"n": len(i.pillars)}))
    return out


def _structure_problems(
    edition: int,
    inds: list[Indicator],
    scored: list[Indicator],
    members: Mapping[str, list[str]],
    at: Callable[[str], str],
    total_points: float | None,
) -> list[FrameworkProblem]:
    """The whole framework's problems: a total row, scored inputs, no empty pillar, and
    the total's points (declared or given) equal to the sum of the inputs' points."""
    out: list[FrameworkProblem] = []
    totals = [i for i in inds if i.group == "total"]
    if TOTAL not in [i.code for i in inds] or not totals:
        out.append(FrameworkProblem("no_total", f"DTI {edition}"))
    if not scored:
        out.append(FrameworkProblem("no_inputs", f"DTI {edition}"))
        return out
    out += [
        FrameworkProblem("pillar_empty", at(p), {"pillar": p}) for p, m in members.items() if not m
    ]
    declared_total = total_points
    for i in totals:
        if i.points:
            declared_total = float(i.points)
    s = sum(float(i.points or 0) for i in scored)
    if declared_total is not None and abs(declared_total - s) > 1e-6:
        out.append(
            FrameworkProblem(
                "total_sum", at(TOTAL), {"total": _fmt_pts(declared_total), "sum": _fmt_pts(s)}
            )
        )
    return out


def _validate(edition: int, inds: list[Indicator]) -> dict[str, tuple[str, ...]]:
    """Kept for callers of the old name."""
    return validate(edition, inds)
