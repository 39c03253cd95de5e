"""Why a rank changed: our own score versus the other provinces moving."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.change import EditionRows, wide_scores
from metrics.ranking import count_above
from metrics.scoring import round4

if TYPE_CHECKING:
    from domain.framework import Framework

DECOMPOSITION_COLUMNS = [
    "edition",
    "prev_edition",
    "unit_set",
    "province_code",
    "indicator",
    "prev_score",
    "score",
    "prev_rank",
    "rank",
    "rank_change",
    "counterfactual_rank",
    "own_effect",
    "others_effect",
    "comparable",
]


def _scores(ranked: pd.DataFrame, edition: int, unit_set: str, indicator: str) -> pd.Series:
    part = ranked[
        (ranked["edition"] == edition)
        & (ranked["unit_set"] == unit_set)
        & (ranked["indicator"] == indicator)
        & ranked["score"].notna()
    ]
    return part.set_index("province_code")["score"].astype(float)


def rank_change_decomposition(
    ranked: pd.DataFrame,
    frameworks: Mapping[int, Framework],
    edition: int,
    unit_set: str,
    prev_edition: int | None = None,
    indicator: str = "dti",
) -> pd.DataFrame:
    """Split every unit's rank change into an own-score effect and an others' effect.

    With competition ranks (rank = 1 + number of others strictly above):

    - ``counterfactual_rank`` = 1 + #{others j ranked in prev: s_j[prev] > s_me[edition]},
      the rank we would have had with our new score against everyone else's old scores;
    - ``own_effect = prev_rank - counterfactual_rank`` (our score moved);
    - ``others_effect = counterfactual_rank - rank`` (the others moved, entered or left);
    - ``rank_change = prev_rank - rank = own_effect + others_effect`` exactly
      (positive = climbed).

    The own effect compares our new score with others' old ones, so it is only computed
    when the two editions' frameworks are comparable; otherwise ``comparable`` is False and
    the two effects (and the counterfactual) are <NA>, while the rank change stays.
    Units missing in either edition get <NA> changes. ``prev_edition`` defaults to the latest
    earlier edition of the unit set. Example: prev scores A .9 B .8 C .7, new A .85 B .75
    C .8 -> C: prev rank 3, counterfactual 2 (0.8 ties B's old 0.8), rank 2 -> own +1, others 0.
    """
    find, prev_rows = EditionRows(ranked), None
    if prev_edition is None:  # its rows come with it
        prev_edition, prev_rows = find.previous(edition, unit_set, [indicator])
    rows = find.pair(edition, prev_edition, prev_rows, unit_set, [indicator])
    rows = rows[~ranked["score"].array.take(rows).isna()]  # unscored units get no row
    codes, wide = wide_scores(ranked, rows, [edition, prev_edition], [indicator])
    s_now, s_prev = wide[:, 0], wide[:, 1]
    rank_now = 1 + count_above(s_now, s_now)
    rank_prev = 1 + count_above(s_prev, s_prev)
    # others' old scores above our new one: all old scores above it, minus our own old one
    cf = 1 + count_above(s_prev, s_now) - (round4(s_prev) > round4(s_now))
    comparable = bool(
        prev_edition is not None
        and frameworks[int(edition)].comparable_with(frameworks[int(prev_edition)])
    )
    valid_now, valid_prev = ~np.isnan(s_now), ~np.isnan(s_prev)
    both = valid_now & valid_prev & comparable

    def ints(x: np.ndarray, ok: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(np.where(ok, x, 0).astype("int64"), ~ok)

    prev_rank, rank, cfr = ints(rank_prev, valid_prev), ints(rank_now, valid_now), ints(cf, both)
    return pd.DataFrame(
        {
            "edition": edition,
            "prev_edition": prev_edition,
            "unit_set": unit_set,
            "province_code": codes,
            "indicator": indicator,
            "prev_score": s_prev,
            "score": s_now,
            "prev_rank": prev_rank,
            "rank": rank,
            "rank_change": prev_rank - rank,
            "counterfactual_rank": cfr,
            "own_effect": prev_rank - cfr,
            "others_effect": cfr - rank,
            "comparable": comparable,
        },
        columns=DECOMPOSITION_COLUMNS,
    )


@dataclass(frozen=True)
class Overtakes:
    """Who changed side relative to us between two editions (codes, best new rank first)."""

    overtook_us: list[str]  # not above us before (below or tied), strictly above us now
    we_overtook: list[str]  # strictly above us before, not above now (tied or below)


def overtakes(
    ranked: pd.DataFrame,
    edition: int,
    prev_edition: int,
    unit_set: str,
    code: str,
    indicator: str = "dti",
) -> Overtakes:
    """Units that overtook ``code`` and units ``code`` overtook (caught up with or passed).

    "Above" means a strictly higher 4-decimal score, so for units ranked in both editions
    rank_change == len(we_overtook) - len(overtook_us); units present in only one edition
    are in neither list. Scores are compared within each edition, so this is valid across
    a framework break. Missing ``code`` in either edition -> both lists empty.
    Example: prev A .9 B .8 C .7, new A .85 B .75 C .8 -> for C: we_overtook == ["B"].
    """
    now = round4(_scores(ranked, edition, unit_set, indicator))  # "above" at 4 decimals
    before = round4(_scores(ranked, prev_edition, unit_set, indicator))
    if code not in now.index or code not in before.index:
        return Overtakes([], [])
    common = now.index.intersection(before.index).drop(code)
    above_now = now[common] > now[code]
    above_before = before[common] > before[code]
    order = now[common].sort_values(ascending=False, kind="stable").index

    def pick(mask: pd.Series) -> list[str]:
        return [c for c in order if mask[c]]

    return Overtakes(pick(above_now & ~above_before), pick(above_before & ~above_now))
