"""Which editions a unit set has: the one rule every page, CLI and chart uses."""

from __future__ import annotations

import pandas as pd


def available_editions(
    ranked: pd.DataFrame, unit_set: str, indicator: str | None = "dti"
) -> list[int]:
    """Editions of ``unit_set`` that have at least one scored ``indicator`` (any indicator
    when None), ascending.

    Example: with the bundled data, "63" -> [2020, 2021, 2022, 2023, 2024]; "34" -> the same
    (2020-2023 from the pro-forma series, 2024 stored).
    """
    part = ranked[ranked["unit_set"] == unit_set]
    if indicator is not None:
        part = part[part["indicator"] == indicator]
    return sorted(int(e) for e in part.dropna(subset=["score"])["edition"].unique())


def edition_pairs(ranked: pd.DataFrame) -> list[tuple[int, str]]:
    """Every (edition, unit set) with at least one scored indicator, ascending."""
    part = ranked.dropna(subset=["score"])[["edition", "unit_set"]].drop_duplicates()
    return sorted((int(e), str(u)) for e, u in part.itertuples(index=False))


def unit_sets(ranked: pd.DataFrame) -> list[str]:
    """Every unit set with a scored edition, "63" first. Example: ["63", "34"]."""
    return sorted({u for _, u in edition_pairs(ranked)}, key=lambda u: u != "63")


def default_unit_set(ranked: pd.DataFrame, edition: int | None = None) -> str:
    """The unit set a page opens on for ``edition`` (the latest edition when None or not
    held): "63" when that edition has it, else its only set. Example: with a 34-only 2025
    held, ``default_unit_set(ranked)`` -> "34"; ``default_unit_set(ranked, 2024)`` -> "63"."""
    pairs = edition_pairs(ranked)
    if not pairs:
        return "63"
    eds = {e for e, _ in pairs}
    target = edition if edition in eds else pairs[-1][0]
    return sorted((u for e, u in pairs if e == target), key=lambda u: u != "63")[0]


def last_shared_row(series: pd.DataFrame, other: pd.DataFrame) -> pd.Series | None:
    """The latest scored row of ``series`` in an edition that ``other`` scores too, or None.

    Both are trajectories (edition, score, …). Example: the successor's rank among 34 in
    the last edition where the home province's 63-unit series also has a score."""
    shared = set(series.dropna(subset=["score"])["edition"]) & set(
        other.dropna(subset=["score"])["edition"]
    )
    rows = series[series["edition"].isin(shared)].dropna(subset=["score"])
    return rows.iloc[-1] if len(rows) else None
