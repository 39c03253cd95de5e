"""What the DT Day deck states, as typed records: built by ``app.deck.deck_data`` from the
dataset and the metrics, drawn by ``charts.deck.draw`` (which computes nothing).

Frames are the outputs of named metrics functions, kept as they are so a slide's data
export (CSV) is exactly what its chart draws. Records compare by identity (``eq=False``):
frames have no single truth value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from domain.framework import Framework
from domain.profile import Profile


@dataclass(frozen=True, eq=False)
class DeckSource:
    """The footer: where the unit's own figures of the edition come from.

    ``sites``: host names of the published sources (or uploaded file names), most
    relevant first, empty when none is held; ``kind``/``rank_kind``: the provenance kinds
    (``domain.provenance.KINDS``) of its DTI score and of its rank when that differs."""

    sites: list[str]
    kind: str | None
    rank_kind: str | None = None


@dataclass(frozen=True, eq=False)
class InternalData:
    """The optional slide on the province's own ranking of its departments or communes."""

    title: str  # the assessment's title
    year: int
    prev_year: int | None
    n: int  # units with a score
    shown: pd.DataFrame  # top and bottom: rank, unit_code, unit, score, self_score, max_points
    leaders: list[str]  # the unit(s) at the top rank
    leader_score: float
    last_unit: str
    last_score: float
    gap: float  # leader_score - last_score
    gains: pd.DataFrame  # biggest positive gains on prev_year: unit, score_change


@dataclass(frozen=True, eq=False)
class DeckData:
    """Everything the eight DT Day slides show for unit ``code`` in ``edition``."""

    code: str
    edition: int
    unit_set: str
    lang: str
    profile: Profile  # metrics.profile.build_profile
    framework: Framework  # the edition's
    labels: dict[str, str]  # indicator code -> label in ``lang``
    names: dict[str, str]  # unit code -> name in the unit set
    region: str  # the unit's region, named in ``lang``
    source: DeckSource
    illustrative: bool  # draws on illustrative values: every slide carries the mark
    trajectory: pd.DataFrame  # metrics.trajectory.trajectory (headline)
    field: pd.DataFrame  # metrics.trajectory.field_scores (trajectory)
    # why: the split by index when it can be shown, else the rank/score matrix
    prev_score: float | None  # the DTI of the previous edition (the waterfall's base)
    top_contributions: list[tuple[str, float | None]]  # the three largest, by size
    index_matrix: pd.DataFrame | None  # metrics.profile_views.index_matrix; None: split
    peer_paths: pd.DataFrame  # metrics.compare.rank_paths of the unit and its rivals
    radar: pd.DataFrame  # metrics.profile_views.radar_frame
    scores_complete: bool  # the edition's scores allow a target score (metrics.official)
    ladder: pd.DataFrame  # metrics.profile_views.rank_ladder (empty when incomplete)
    adjacent: dict[str, object] | None  # metrics.profile_views.adjacent (None: incomplete)
    shares: pd.DataFrame  # metrics.method.provenance_shares (every edition)
    own_shares: pd.Series | None  # its row for this edition and unit set
    internal: InternalData | None = field(default=None)  # the optional ninth slide
