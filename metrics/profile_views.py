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
