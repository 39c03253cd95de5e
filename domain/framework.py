"""The index structure of an edition: indicators, points and pillars (pure; no IO).

An edition's *inputs* are the indicators with points (main indices from 2021, the three
pillars in 2020). Every composite is a points-weighted mean of its members:

    pillar P = sum(points_i * v_i for i in P) / sum(points_i for i in P)
    dti      = sum(points_i * v_i for all inputs) / sum(points_i)

Every layer may import this module; loading frameworks from files or the store is
data.frameworks' job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


class FrameworkError(ValueError):
    pass


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    points: float | None
    pillars: tuple[str, ...]
    label_vi: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class Framework:
    edition: int
    indicators: tuple[Indicator, ...]
    basis: str
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Indicators with points: what a province is scored on."""
        return tuple(i.code for i in self.indicators if i.points)

    @property
    def points(self) -> dict[str, float]:
        return {i.code: float(i.points) for i in self.indicators if i.points}

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
        """Two editions' DTI changes are comparable only under the same inputs and points."""
        return self.points == other.points

    @property
    def assumed(self) -> bool:
        return self.basis.startswith("ASSUMED")


def validate(edition: int, inds: list[Indicator]) -> dict[str, tuple[str, ...]]:
    codes = [i.code for i in inds]
    if len(codes) != len(set(codes)):
        raise FrameworkError(f"{edition}: duplicate indicator")
    for i in inds:
        if i.code not in ALL_INDICATORS:
            raise FrameworkError(f"{edition}: unknown indicator {i.code!r}")
        if i.group not in GROUPS:
            raise FrameworkError(f"{edition}: {i.code} has unknown group {i.group!r}")
        if i.points is not None and i.points <= 0:
            raise FrameworkError(f"{edition}: {i.code} points must be positive")
    if TOTAL not in codes:
        raise FrameworkError(f"{edition}: no total")
    members: dict[str, list[str]] = {p: [] for p in PILLARS}
    for i in inds:
        if i.points:
            for p in i.pillars:
                if p not in PILLARS:
                    raise FrameworkError(f"{edition}: {i.code} names unknown pillar {p!r}")
                members[p].append(i.code)
    for p, m in members.items():
        if not m:
            raise FrameworkError(f"{edition}: pillar {p} has no scored member")
    if not any(i.points for i in inds):
        raise FrameworkError(f"{edition}: no scored inputs")
    return {p: tuple(m) for p, m in members.items()}
