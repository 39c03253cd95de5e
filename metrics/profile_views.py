"""Frames behind the profile page's charts (pure)."""

from __future__ import annotations

import pandas as pd

from metrics.ranking import rank_among
from metrics.target import score_for_rank


def index_matrix(ranked: pd.DataFrame, code: str, unit_set: str = "63") -> pd.DataFrame:
    """Indicator x edition for one unit (as PCI does): rows indicator, edition, score,
    rank, n. Editions without an indicator (2020 has no main indices) have no row.
    Example: Hải Dương -> (dti, 2022, 0.6383, 13, 63)."""
    part = ranked[(ranked["unit_set"] == unit_set) & (ranked["province_code"] == code)]
    part = part.dropna(subset=["score"])
    return (
        part[["indicator", "edition", "score", "rank", "n"]]
        .sort_values(["indicator", "edition"])
        .reset_index(drop=True)
    )


def radar_frame(
    ranked: pd.DataFrame, edition: int, unit_set: str, code: str, indicators: list[str]
) -> pd.DataFrame:
    """For each indicator: the unit's score, the national mean, the best of its region and
    the national leader's score (the best score on that indicator). Missing -> NaN."""
    part = ranked[
        (ranked["edition"] == edition)
        & (ranked["unit_set"] == unit_set)
        & ranked["indicator"].isin(indicators)
    ]
    me = part[part["province_code"] == code].set_index("indicator")
    region = me["region_code"].dropna().iloc[0] if len(me) else None
    rows = []
    for ind in indicators:
        g = part[part["indicator"] == ind]
        reg = g[g["region_code"] == region]
        rows.append(
            {
                "indicator": ind,
                "score": float(me.at[ind, "score"]) if ind in me.index else float("nan"),
                "mean": float(g["score"].mean()),
                "region_best": float(reg["score"].max()) if len(reg) else float("nan"),
                "leader": float(g["score"].max()),
            }
        )
    return pd.DataFrame(rows)


def rank_ladder(
    ranked: pd.DataFrame, edition: int, unit_set: str, code: str, steps: int = 5
) -> pd.DataFrame:
    """The DTI score needed to reach each of the next ``steps`` better ranks (everyone else
    unchanged): target rank, target score, gap, the province now holding that place.
    Empty when the unit leads or has no score."""
    s = (
        ranked[
            (ranked["edition"] == edition)
            & (ranked["unit_set"] == unit_set)
            & (ranked["indicator"] == "dti")
        ]
        .set_index("province_code")["score"]
        .dropna()
    )
    if code not in s.index:
        return pd.DataFrame(columns=["rank", "target_score", "gap", "holder"])
    current = rank_among(s[code], s.drop(code))
    rows = []
    for k in range(current - 1, max(0, current - 1 - steps), -1):
        tgt = score_for_rank(s, code, k)
        rows.append(
            {"rank": k, "target_score": tgt.target_score, "gap": tgt.gap, "holder": tgt.kth_code}
        )
    return pd.DataFrame(rows, columns=["rank", "target_score", "gap", "holder"])


def adjacent(ranked: pd.DataFrame, edition: int, unit_set: str, code: str) -> dict[str, object]:
    """The provinces just above and just below ``code`` on the DTI, with both margins.

    ``above``/``below``: the codes on the nearest higher / lower 4-decimal score (ties
    together), their ``*_rank`` and ``*_score``; ``margin_above`` = their score minus ours,
    ``margin_below`` = ours minus theirs; ``to_pass`` = the points needed to displace the
    province just above, the same number as the first step of ``rank_ladder`` (a tie would
    only share its rank). ``tied``: units on our own score. Missing side -> None / [].
    Example: Hải Dương 0.7422 (13th), Trà Vinh 0.7423 (12th), two at 0.7421 (14th) ->
    margin_above 0.0001, to_pass 0.0002, margin_below 0.0001.
    """
    s = (
        ranked[
            (ranked["edition"] == edition)
            & (ranked["unit_set"] == unit_set)
            & (ranked["indicator"] == "dti")
        ]
        .set_index("province_code")["score"]
        .dropna()
        .astype(float)
    )
    out: dict[str, object] = {
        "above": [], "above_rank": None, "above_score": None, "margin_above": None,
        "to_pass": None, "below": [], "below_rank": None, "below_score": None,
        "margin_below": None, "tied": [],
    }  # fmt: skip
    if code not in s.index:
        return out
    mine = float(s[code])
    others = s.drop(code)
    higher, lower = others[others > mine], others[others < mine]
    out["tied"] = sorted(others[others == mine].index)
    if len(higher):
        sc = float(higher.min())
        rank = 1 + int((s > sc).sum())
        out.update(
            above=sorted(higher[higher == sc].index),
            above_rank=rank,
            above_score=sc,
            margin_above=round(sc - mine, 4),
            to_pass=score_for_rank(s, code, rank).gap,
        )
    if len(lower):
        sc = float(lower.max())
        out.update(
            below=sorted(lower[lower == sc].index),
            below_rank=1 + int((s > sc).sum()),
            below_score=sc,
            margin_below=round(mine - sc, 4),
        )
    return out
