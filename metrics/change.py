"""Change over editions: multi-year trend, and the contribution of each input to a DTI change.

The year-on-year table itself is ``metrics.ranking.year_on_year``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.keys import codes_among, codes_at, isin_at, scatter, take_small
from metrics.scoring import DECIMALS, floats

if TYPE_CHECKING:
    from domain.framework import Framework

ROUNDING = "rounding"

TREND_COLUMNS = [
    "unit_set",
    "province_code",
    "indicator",
    "first_edition",
    "last_edition",
    "first_score",
    "last_score",
    "change",
    "cagr",
    "n_editions",
    "break_in_series",
    "best_rank",
    "best_rank_edition",
    "worst_rank",
    "worst_rank_edition",
]


def previous_edition(editions: list[int] | np.ndarray, edition: int) -> int | None:
    """The latest edition before ``edition`` in ``editions`` (None for the first); repeats
    are fine, so a whole edition column can be passed without ``unique``."""
    eds = np.asarray(editions, dtype=np.int64)
    earlier = eds[eds < int(edition)]
    return int(earlier.max()) if earlier.size else None


class EditionRows:
    """Rows of a scores or ranked frame by edition, unit set and indicators.

    Editions are matched on integers first, so string comparisons run on those editions'
    rows only: by binary search when the edition column holds sorted integers
    (``compute_scores`` and ``rank_scores`` leave it so), by whole-column masks otherwise.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        ed = frame["edition"].to_numpy()
        self.frame, self.ed = frame, ed
        self.sorted = ed.dtype.kind in "iu" and bool((ed[1:] >= ed[:-1]).all())

    def of_editions(self, editions: list[int | None]) -> np.ndarray:
        """Positions (ascending) of the rows in ``editions`` (None is skipped)."""
        ed, wanted = self.ed, [e for e in editions if e is not None]
        if self.sorted:
            spans = [
                np.arange(np.searchsorted(ed, e, "left"), np.searchsorted(ed, e, "right"))
                for e in sorted(set(wanted))
            ]
            return np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64)
        if len(wanted) == 1:
            return np.flatnonzero(ed == wanted[0])
        mask = np.zeros(len(ed), dtype=bool)
        for e in wanted:
            mask |= ed == e
        return np.flatnonzero(mask)

    def earlier(self, edition: int) -> Iterator[int]:
        """The editions of the column before ``edition``, latest first."""
        ed = self.ed
        if self.sorted:
            end = int(np.searchsorted(ed, int(edition), "left"))
            while end > 0:
                cand = int(ed[end - 1])
                yield cand
                end = int(np.searchsorted(ed, cand, "left"))
            return
        before = ed < int(edition)
        while before.any():
            cand = int(ed[before].max())
            yield cand
            before &= ed < cand

    def keep(self, rows: np.ndarray, unit_set: str, indicators: list[str] | None) -> np.ndarray:
        """The ``rows`` of ``unit_set`` (and of ``indicators`` when given)."""
        ok = isin_at(self.frame["unit_set"], rows, [unit_set])
        if indicators is not None:
            ok = ok & isin_at(self.frame["indicator"], rows, indicators)
        return rows[ok]

    def select(
        self, editions: list[int | None], unit_set: str, indicators: list[str] | None = None
    ) -> np.ndarray:
        """``edition_rows``."""
        return self.keep(self.of_editions(editions), unit_set, indicators)

    def previous(
        self, edition: int, unit_set: str, indicators: list[str] | None = None
    ) -> tuple[int | None, np.ndarray]:
        """``latest_edition_before`` and that edition's rows (``select``; empty when None)."""
        for cand in self.earlier(edition):
            rows = self.select([cand], unit_set, indicators)
            if len(rows):
                return cand, rows
        return None, np.zeros(0, dtype=np.int64)

    def pair(
        self,
        edition: int,
        prev_edition: int | None,
        prev_rows: np.ndarray | None,
        unit_set: str,
        indicators: list[str] | None,
    ) -> np.ndarray:
        """``select`` of ``edition`` and ``prev_edition`` (in no particular order);
        ``prev_rows``: the previous edition's rows of the unit set when ``previous`` found
        them already (then only filtered by ``indicators``), else None."""
        if prev_rows is None:
            return self.select([edition, prev_edition], unit_set, indicators)
        if indicators is not None:
            prev_rows = prev_rows[isin_at(self.frame["indicator"], prev_rows, indicators)]
        return np.concatenate([self.select([edition], unit_set, indicators), prev_rows])


def edition_rows(
    frame: pd.DataFrame,
    editions: list[int | None],
    unit_set: str,
    indicators: list[str] | None = None,
) -> np.ndarray:
    """Positions (ascending) of the rows of ``frame`` in ``editions`` (None is skipped) of
    ``unit_set`` and, when given, of ``indicators`` (see ``EditionRows``)."""
    return EditionRows(frame).select(editions, unit_set, indicators)


def latest_edition_before(
    frame: pd.DataFrame, edition: int, unit_set: str, indicators: list[str] | None = None
) -> int | None:
    """``previous_edition`` among the editions of ``frame`` holding a row of ``unit_set``
    (and of ``indicators`` when given), checking the earlier editions latest first."""
    return EditionRows(frame).previous(edition, unit_set, indicators)[0]


def trend(
    ranked: pd.DataFrame, frameworks: Mapping[int, Framework], indicator: str = "dti"
) -> pd.DataFrame:
    """Multi-year trend of one indicator per (unit set, province).

    The score span runs from the first edition comparable with the unit's last edition
    (same inputs and points, ``Framework.comparable_with``) to the last one, so a change
    never crosses a framework break (2020 -> 2021); ``break_in_series`` says an earlier,
    non-comparable edition exists and was left out of the span.

    - ``change = last_score - first_score`` (4 decimals);
    - ``cagr = (last_score / first_score) ** (1 / (last_edition - first_edition)) - 1``;
      missing when the span is a single edition or first_score <= 0;
    - ``best_rank``/``worst_rank`` over *all* editions (ranks are within-edition, so they
      stay meaningful across frameworks), with the (latest) edition they were reached in.

    Editions where the unit's score is missing are skipped. Example: 0.4773 (2021) ->
    0.7223 (2023) gives change 0.2450, cagr (0.7223/0.4773)**0.5 - 1 = 0.2302.
    """
    keep = isin_at(ranked["indicator"], None, [indicator]) & ranked["score"].notna().to_numpy()
    d = ranked[["edition", "unit_set", "province_code", "score", "rank"]].take(np.flatnonzero(keep))
    d = d.sort_values(["unit_set", "province_code", "edition"], kind="stable")
    d = d.reset_index(drop=True)
    # Series id per edition: +1 at every framework break, so rows sharing the last row's
    # id are exactly the contiguous comparable span back from the last edition.
    eds = sorted(int(e) for e in d["edition"].unique())
    sid, series = 0, {}
    for i, e in enumerate(eds):
        if i and not frameworks[e].comparable_with(frameworks[eds[i - 1]]):
            sid += 1
        series[e] = sid
    d["_series"] = d["edition"].map(series)
    g = d.groupby(["unit_set", "province_code"], sort=True)
    last_series = g["_series"].transform("last")
    span = d[d["_series"] == last_series].groupby(["unit_set", "province_code"], sort=True)
    out = pd.DataFrame(
        {
            "first_edition": span["edition"].first(),
            "last_edition": g["edition"].last(),
            "first_score": span["score"].first(),
            "last_score": g["score"].last(),
            "n_editions": g["edition"].count(),
            "_first_any": g["edition"].first(),
            "best_rank": g["rank"].min(),
            "worst_rank": g["rank"].max(),
        }
    )
    best = d[d["rank"] == g["rank"].transform("min")]
    worst = d[d["rank"] == g["rank"].transform("max")]
    out["best_rank_edition"] = best.groupby(["unit_set", "province_code"])["edition"].max()
    out["worst_rank_edition"] = worst.groupby(["unit_set", "province_code"])["edition"].max()
    out = out.reset_index()
    out["indicator"] = indicator
    out["change"] = (out["last_score"] - out["first_score"]).round(DECIMALS)
    years = (out["last_edition"] - out["first_edition"]).astype(float)
    ok = (years > 0) & (out["first_score"] > 0)
    ratio = (out["last_score"] / out["first_score"].where(ok)).astype(float)
    out["cagr"] = np.where(ok, ratio ** (1 / years.where(ok)) - 1, np.nan)
    out["break_in_series"] = out["first_edition"] > out["_first_any"]
    for c in ("first_edition", "last_edition", "n_editions"):
        out[c] = out[c].astype(int)
    for c in ("best_rank", "best_rank_edition", "worst_rank", "worst_rank_edition"):
        out[c] = out[c].astype("Int64")
    return out[TREND_COLUMNS]


CONTRIBUTION_COLUMNS = [
    "edition",
    "prev_edition",
    "unit_set",
    "province_code",
    "indicator",
    "points",
    "value",
    "prev_value",
    "contribution",
    "dti_change",
    "comparable",
]


def _not_comparable(
    edition: int, prev_edition: int, unit_set: str, codes: list[str]
) -> pd.DataFrame:
    """One row per unit, ``comparable`` False and NaN: the two frameworks differ."""
    return pd.DataFrame(
        {
            "edition": edition,
            "prev_edition": prev_edition,
            "unit_set": unit_set,
            "province_code": codes,
            "indicator": "dti",
            "points": np.nan,
            "value": np.nan,
            "prev_value": np.nan,
            "contribution": np.nan,
            "dti_change": np.nan,
            "comparable": False,
        },
        columns=CONTRIBUTION_COLUMNS,
    )


def wide_scores(
    s: pd.DataFrame, rows: np.ndarray, editions: list[int | None], indicators: list[str]
) -> tuple[pd.Index, np.ndarray]:
    """The scores of ``s`` at ``rows`` (all in ``editions``; rows of other indicators than
    ``indicators`` are left out) per province: the sorted province codes and a matrix with
    one row per code and one column per (edition, indicator), edition-major, NaN where
    missing (an edition None has no rows).

    What ``pivot(index="province_code", columns=["edition", "indicator"])`` gives, on
    integer codes (the pivot was most of a contribution's cost on large tables). A cell
    given twice raises ValueError, as the pivot does."""
    width = len(indicators)
    ind, names = codes_among(s["indicator"], rows)  # then a lookup among few names
    col = pd.Index(indicators).get_indexer(names)[ind]
    wanted = col >= 0
    if not wanted.all():
        rows, col = rows[wanted], col[wanted]
    row, codes = codes_at(s["province_code"], rows)
    ed = s["edition"].to_numpy()[rows]
    for k, e in enumerate(editions[1:], start=1):  # edition-major columns
        col[ed == e] += k * width
    score = floats(s["score"])[rows]
    wide, _ = scatter(row, col, score, (len(codes), len(editions) * width))
    return codes, wide


def contributions(
    scores: pd.DataFrame,
    frameworks: Mapping[int, Framework],
    edition: int,
    unit_set: str,
    prev_edition: int | None = None,
) -> pd.DataFrame:
    """Contribution of each input to the DTI change from ``prev_edition`` to ``edition``.

    For each input i (main index; the pillars in 2020) with points p_i of total P:

        contribution_i = p_i / P * (v_i[edition] - v_i[prev])

    on the input values as stored (unrounded arithmetic, no intermediate rounding). Because
    the DTI is linear in the inputs, sum_i contribution_i == raw_dti[edition] - raw_dti[prev]
    exactly (up to float addition, < 1e-12). The published DTI is rounded to 4 decimals (and
    an official total may differ from the recomputation by 0.0001, e.g. TP. Hồ Chí Minh 2022),
    so one extra row ``indicator == "rounding"`` carries

        rounding = (score[edition] - score[prev]) - sum_i contribution_i

    where ``score`` is the shown/published 4-decimal DTI. Inputs + rounding therefore close
    exactly on the published change (``dti_change``), which is what a waterfall needs.

    Missing: a unit missing in either edition, or with any input missing, gets NaN
    contributions. Where the two frameworks differ (``comparable_with`` is False, e.g.
    2020 -> 2021) nothing is computed: one row per unit with ``comparable`` False and NaN.
    ``prev_edition`` defaults to the latest earlier edition of the same unit set.

    Returns rows (edition, prev_edition, unit_set, province_code, indicator, points,
    value, prev_value, contribution, dti_change, comparable). Example: awareness 0.8528 ->
    0.8461 with 100 of 1000 points contributes 0.1 * -0.0067 = -0.00067.
    """
    find = EditionRows(scores)
    prev_rows = None
    if prev_edition is None:  # the previous edition's rows are then matched already
        prev_edition, prev_rows = find.previous(edition, unit_set)
    if prev_edition is None:
        return pd.DataFrame(columns=CONTRIBUTION_COLUMNS)
    fw, pfw = frameworks[int(edition)], frameworks[int(prev_edition)]
    inputs = list(fw.inputs)
    wanted = [*inputs, "dti"]
    rows = find.pair(edition, prev_edition, prev_rows, unit_set, None)  # any indicator
    codes, wide = wide_scores(scores, rows, [edition, prev_edition], wanted)
    k = len(wanted)
    # row-major copies (fancy indexing gives column-major): row sums add up in the same order
    v, pv = np.ascontiguousarray(wide[:, : k - 1]), np.ascontiguousarray(wide[:, k : 2 * k - 1])
    dti_change = np.round(wide[:, k - 1] - wide[:, 2 * k - 1], DECIMALS)
    if not fw.comparable_with(pfw):
        return _not_comparable(edition, prev_edition, unit_set, codes)
    points = fw.points
    pts = np.array([points[i] for i in inputs], dtype=float)
    contrib = (v - pv) * (pts / pts.sum())[None, :]  # NaN where either value is missing
    complete = ~np.isnan(contrib).any(axis=1)
    contrib[~complete] = np.nan
    # Residual against the shown 4-decimal DTI change: closes the waterfall exactly.
    rounding = dti_change - contrib.sum(axis=1)
    n = len(codes)
    nan_col = np.full((n, 1), np.nan)
    return pd.DataFrame(
        {
            "edition": edition,
            "prev_edition": prev_edition,
            "unit_set": unit_set,
            "province_code": take_small(pd.array(codes, dtype="str"), np.repeat(np.arange(n), k)),
            "indicator": take_small(
                pd.array([*inputs, ROUNDING], dtype="str"), np.tile(np.arange(k), n)
            ),
            "points": np.tile(np.append(pts, np.nan), n),
            "value": np.hstack([v, nan_col]).ravel(),
            "prev_value": np.hstack([pv, nan_col]).ravel(),
            "contribution": np.hstack([contrib, rounding[:, None]]).ravel(),
            "dti_change": np.repeat(dti_change, k),
            "comparable": True,
        },
        columns=CONTRIBUTION_COLUMNS,
    )
