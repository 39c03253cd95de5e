"""A province's path through the editions against the field."""

from __future__ import annotations

import pandas as pd


def trajectory(
    ranked: pd.DataFrame,
    prov: pd.DataFrame,
    code: str,
    unit_set: str = "63",
    indicator: str = "dti",
) -> pd.DataFrame:
    """One row per edition of ``unit_set``: the province's score, rank, n, its provenance
    kind, and the field's median, minimum, maximum and leader (score and code).

    Editions where the province has no score keep a row with missing score and rank.
    Example: Hải Dương (30), dti -> 2022: score 0.6383, rank 13, n 63, kind published.
    """
    part = ranked[(ranked["unit_set"] == unit_set) & (ranked["indicator"] == indicator)]
    rows = []
    mine_prov = prov[
        (prov["unit_set"] == unit_set)
        & (prov["indicator"] == indicator)
        & (prov["province_code"] == code)
    ]
    kind_of_edition = dict(zip(mine_prov["edition"], mine_prov["kind"], strict=True))
    rank_kind_of = (
        dict(zip(mine_prov["edition"], mine_prov["rank_kind"], strict=True))
        if "rank_kind" in mine_prov
        else {}
    )
    for edition, g in part.groupby("edition", sort=True):
        g = g.dropna(subset=["score"])
        me = g[g["province_code"] == code]
        best = g["score"].max()
        lead = g[g["score"] == best].sort_values("province_code").head(1)
        rows.append(
            {
                "edition": int(edition),
                "score": float(me["score"].iloc[0]) if len(me) else float("nan"),
                "rank": me["rank"].iloc[0] if len(me) else pd.NA,
                "n": int(len(g)),
                "kind": kind_of_edition.get(edition),
                "rank_kind": rank_kind_of.get(edition, kind_of_edition.get(edition)),
                "median": float(g["score"].median()) if len(g) else float("nan"),
                "min": float(g["score"].min()) if len(g) else float("nan"),
                "max": float(g["score"].max()) if len(g) else float("nan"),
                "leader_code": lead["province_code"].iloc[0] if len(lead) else None,
                "leader_score": float(lead["score"].iloc[0]) if len(lead) else float("nan"),
            }
        )
    out = pd.DataFrame(rows)
    if not out.empty:
        out["rank"] = out["rank"].astype("Int64")
    return out


def field_scores(
    ranked: pd.DataFrame, prov: pd.DataFrame, unit_set: str = "63", indicator: str = "dti"
) -> pd.DataFrame:
    """Every unit's score, rank and provenance kind per edition (for the spread chart)."""
    part = ranked[(ranked["unit_set"] == unit_set) & (ranked["indicator"] == indicator)]
    part = part.dropna(subset=["score"])
    k = prov[["edition", "unit_set", "province_code", "indicator", "kind"]]
    return part.merge(k, on=["edition", "unit_set", "province_code", "indicator"], how="left")[
        ["edition", "province_code", "score", "rank", "n", "kind"]
    ].reset_index(drop=True)


def after_series(later: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The rows of the trajectory ``later`` whose edition comes after every edition of
    ``series`` (the successor's 34-unit editions that follow the 63-unit series).

    Example: Hải Phòng's 34-unit trajectory after Hải Dương's 2020–2024 -> the 2025 row.
    An empty ``series`` keeps every row of ``later``."""
    if series.empty:
        return later
    return later[later["edition"] > series["edition"].max()]
