"""The tile-grid map's numbers: one row per tile with score, rank, tier and provenance."""

from __future__ import annotations

import pandas as pd

from metrics.editions import available_editions
from metrics.provenance import count_kinds

__all__ = ["MAP_MEASURES", "available_editions", "map_tiles"]

MAP_MEASURES: tuple[str, ...] = ("score", "rank", "tier")


def map_tiles(
    ranked: pd.DataFrame,
    prov: pd.DataFrame,
    grid: pd.DataFrame,
    units: pd.DataFrame,
    edition: int,
    unit_set: str,
    indicator: str = "dti",
) -> pd.DataFrame:
    """One row per tile of ``grid`` (code, row, col, short) for ``edition``/``unit_set``.

    Columns: code, row, col, short, name, region_code, score, rank, n, tier, kind, source.
    ``rank``/``tier`` are the competition rank and quartile tier from ``rank_scores``;
    ``kind``/``source`` come from ``provenance``. Every tile is kept: a unit without a
    score keeps missing score/rank/tier/kind (drawn grey). Inputs are not modified.
    Example: 2024, "63", dti -> 63 rows; Hải Dương's row has its rank among 63.
    """
    sel = ranked[
        (ranked["edition"] == edition)
        & (ranked["unit_set"] == unit_set)
        & (ranked["indicator"] == indicator)
    ]
    sel = sel[["province_code", "score", "rank", "n", "tier"]]
    kinds = prov[
        (prov["edition"] == edition)
        & (prov["unit_set"] == unit_set)
        & (prov["indicator"] == indicator)
    ][["province_code", "kind", "source"]]
    names = units[units["unit_set"] == unit_set][["province_code", "name", "region_code"]]
    out = (
        grid.rename(columns={"code": "province_code"})
        .merge(names, on="province_code", how="left")
        .merge(sel, on="province_code", how="left")
        .merge(kinds, on="province_code", how="left")
    )
    out["score"] = out["score"].astype(float)
    for col in ("rank", "n", "tier"):
        out[col] = out[col].astype("Int64")
    out = out.rename(columns={"province_code": "code"})
    cols = [
        "code",
        "row",
        "col",
        "short",
        "name",
        "region_code",
        "score",
        "rank",
        "n",
        "tier",
        "kind",
        "source",
    ]
    return out[cols].sort_values(["row", "col"]).reset_index(drop=True)


def kind_counts(tiles: pd.DataFrame) -> dict[str, int]:
    """How many tiles are of each provenance kind, and how many are missing.

    Example: {"published": 0, "uploaded": 0, "derived": 0, "pro-forma": 0,
    "illustrative": 63, "missing": 0}.
    """
    counts = count_kinds(tiles["kind"])
    counts["missing"] = int(tiles["score"].isna().sum())
    return counts
