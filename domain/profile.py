"""The profile of one unit in one edition as typed records (what the profile page, the
deck and ``python -m metrics profile`` show). Built by ``metrics.profile.build_profile``.

``Profile.as_json()`` gives the CLI's JSON (keys and order as before the records). Every
record also answers ``record["field"]`` and ``record.get("field")``: a transition for
callers written against the former nested dict; new code reads attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any


class _Record:
    """Attribute records that also read like the former dicts (``r["x"]``, ``r.get``,
    ``dict(r)``, ``"x" in r``)."""

    def __getitem__(self, key: str) -> Any:
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.keys()

    def keys(self) -> list[str]:
        return [f.name for f in fields(self)]  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def items(self) -> list[tuple[str, Any]]:
        return [(k, getattr(self, k)) for k in self.keys()]


@dataclass(frozen=True)
class Standing(_Record):
    """Score and rank of a pillar."""

    score: float | None
    rank: int | None


@dataclass(frozen=True)
class IndexStanding(_Record):
    """Label, score and rank of a main index."""

    label: str
    score: float | None
    rank: int | None


@dataclass(frozen=True)
class YearOnYear(_Record):
    """Change against the previous edition (None where not comparable or absent)."""

    prev_edition: int | None = None
    dti_change: float | None = None
    rank_change: int | None = None
    comparable: bool | None = None
    contributions: dict[str, float | None] = field(default_factory=dict)
    rounding: float | None = None
    overtook_us: list[str] = field(default_factory=list)
    we_overtook: list[str] = field(default_factory=list)
    own_effect: int | None = None
    others_effect: int | None = None
    counterfactual_rank: int | None = None


@dataclass(frozen=True)
class Trend(_Record):
    first_edition: int | None
    change: float | None
    cagr: float | None
    break_in_series: bool
    best_rank: int | None
    best_rank_edition: int | None
    worst_rank: int | None
    worst_rank_edition: int | None


@dataclass(frozen=True)
class Target(_Record):
    """The score needed for a target rank and the cheapest plan to get there."""

    rank: int
    score: float
    gap: float
    reached: bool
    kth_province: str | None
    feasible: bool | None
    plan: dict[str, float | None]


@dataclass(frozen=True)
class PeerNames(_Record):
    region: list[str]
    above: list[str]
    below: list[str]
    similar: list[str]


@dataclass(frozen=True)
class Profile(_Record):
    province: str
    province_code: str
    unit_set: str
    year: int
    framework_assumed: bool
    dti: float | None
    dti_basis: str | None
    dti_rank: int | None
    n: int | None
    percentile: float | None
    tier: int | None
    tier_label: str | None
    pillars: dict[str, Standing]
    main_indices: dict[str, IndexStanding]
    region: str
    region_code: str
    region_rank: int | None
    region_n: int | None
    yoy: YearOnYear
    gap_to_next_rank: float | None
    gap_to_previous_rank: float | None
    gap_to_leader: float | None
    diff_to_mean: float | None
    diff_to_median: float | None
    gap_to_region_best: float | None
    strengths: list[str]
    weaknesses: list[str]
    rank_interval_90: list[int | None] | None
    statistically_tied: list[str]
    trend: Trend | None
    target: Target
    peers: PeerNames

    def as_json(self) -> dict[str, Any]:
        """The nested plain-JSON form (``python -m metrics profile --json``)."""
        return asdict(self)
