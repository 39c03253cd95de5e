"""Numbers for the overview's KPI cards."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Headline:
    edition: int
    unit_set: str
    score: float | None
    rank: int | None
    n: int
    prev_edition: int | None
    score_change: float | None
    rank_change: int | None
    comparable: bool
    kind: str | None


def headline(
    traj: pd.DataFrame, yoy: pd.DataFrame, code: str, unit_set: str = "63", indicator: str = "dti"
) -> Headline | None:
    """The latest edition where the province has a score, with its change from the edition
    before (rank_change > 0 = climbed). None when the province has no score at all."""
    have = traj.dropna(subset=["score"])
    if have.empty:
        return None
    last = have.iloc[-1]
    e = int(last["edition"])
    y = yoy[
        (yoy["edition"] == e)
        & (yoy["unit_set"] == unit_set)
        & (yoy["province_code"] == code)
        & (yoy["indicator"] == indicator)
    ]
    prev = traj[traj["edition"] < e]["edition"]
    sc = y["score_change"].iloc[0] if len(y) else None
    rc = y["rank_change"].iloc[0] if len(y) else None
    return Headline(
        edition=e,
        unit_set=unit_set,
        score=float(last["score"]),
        rank=None if pd.isna(last["rank"]) else int(last["rank"]),
        n=int(last["n"]),
        prev_edition=int(prev.max()) if len(prev) else None,
        score_change=None if sc is None or pd.isna(sc) else float(sc),
        rank_change=None if rc is None or pd.isna(rc) else int(rc),
        comparable=bool(y["comparable"].iloc[0]) if len(y) else False,
        kind=last["kind"],
    )
