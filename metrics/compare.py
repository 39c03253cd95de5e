"""Comparing a handful of provinces: peers, rank paths, two-edition slopes, side by side."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pandas as pd

MAX_COMPARED = 6


def _part(ranked: pd.DataFrame, unit_set: str, indicator: str) -> pd.DataFrame:
    return ranked[(ranked["unit_set"] == unit_set) & (ranked["indicator"] == indicator)]


def parse_codes(text: str | None, valid: Iterable[str], limit: int = MAX_COMPARED) -> list[str]:
    """Province codes from a URL value such as "30,31,1": known codes only, zero-padded,
    first occurrence kept, at most ``limit``. Example: parse_codes("30,x,1,30", codes) ->
    ["30", "01"]."""
    known = set(valid)
    out: list[str] = []
    for piece in (text or "").split(","):
        code = piece.strip().zfill(2)
        if code in known and code not in out:
            out.append(code)
    return out[:limit]


def nearest(
    ranked: pd.DataFrame,
    code: str,
    edition: int,
    unit_set: str = "63",
    k: int = 5,
    indicator: str = "dti",
    among: Iterable[str] | None = None,
) -> list[str]:
    """The ``k`` units whose ``indicator`` score in ``edition`` is closest to ``code``'s.

    Distance is |score - score(code)|; ties go to the better rank, then the lower code.
    ``among`` restricts the candidates (e.g. one region). Units without a score are
    skipped; if ``code`` has no score, the result is empty. Example: scores
    {30: 0.60, 31: 0.62, 33: 0.57, 01: 0.90}, k=2 -> ["31", "33"] (0.02 before 0.03).
    """
    part = _part(ranked, unit_set, indicator)
    part = part[part["edition"] == edition].dropna(subset=["score"])
    me = part.loc[part["province_code"] == code, "score"]
    if me.empty:
        return []
    others = part[part["province_code"] != code]
    if among is not None:
        others = others[others["province_code"].isin(set(among))]
    others = others.assign(dist=(others["score"] - float(me.iloc[0])).abs().round(6))
    others = others.sort_values(["dist", "rank", "province_code"])
    return others["province_code"].head(k).tolist()


def rank_paths(
    ranked: pd.DataFrame,
    prov: pd.DataFrame,
    codes: Sequence[str],
    unit_set: str = "63",
    indicator: str = "dti",
) -> pd.DataFrame:
    """Rank and score of each unit in ``codes`` per edition, for the bump chart.

    Columns: edition, province_code, score, rank, n, kind, rank_kind (the rank's own kind:
    Hải Dương 2021 is derived; the score's kind where ``prov`` has no rank kinds). Rows
    are ordered by the order of ``codes`` then edition; an edition where a unit has no
    score is left out.
    """
    part = _part(ranked, unit_set, indicator)
    part = part[part["province_code"].isin(codes)].dropna(subset=["score"])
    kinds = prov[(prov["unit_set"] == unit_set) & (prov["indicator"] == indicator)]
    if "rank_kind" not in kinds:
        kinds = kinds.assign(rank_kind=kinds["kind"])
    cols = ["edition", "province_code", "kind", "rank_kind"]
    out = part.merge(kinds[cols], on=["edition", "province_code"], how="left")
    order = {c: i for i, c in enumerate(codes)}
    out = out.assign(_o=out["province_code"].map(order)).sort_values(["_o", "edition"])
    out = out[["edition", "province_code", "score", "rank", "n", "kind", "rank_kind"]]
    return out.astype({"edition": int}).reset_index(drop=True)


def slope(
    ranked: pd.DataFrame,
    prov: pd.DataFrame,
    codes: Sequence[str],
    first: int,
    last: int,
    unit_set: str = "63",
    indicator: str = "dti",
) -> pd.DataFrame:
    """Each unit's score and rank in editions ``first`` and ``last``, and the change.

    Columns: province_code, score_from, score_to, rank_from, rank_to, score_change
    (to - from, 4 decimals), rank_change (from - to: positive = climbed), kind_from,
    kind_to. A unit missing in either edition keeps its row with missing changes.
    Example: rank 14 -> 11 and score 0.50 -> 0.55 gives rank_change 3, score_change 0.05.
    """
    paths = rank_paths(ranked, prov, codes, unit_set, indicator).set_index(
        ["province_code", "edition"]
    )
    rows = []
    for code in codes:
        a = paths.loc[(code, first)] if (code, first) in paths.index else None
        b = paths.loc[(code, last)] if (code, last) in paths.index else None
        sa = float(a["score"]) if a is not None else float("nan")
        sb = float(b["score"]) if b is not None else float("nan")
        ra = a["rank"] if a is not None else pd.NA
        rb = b["rank"] if b is not None else pd.NA
        rows.append(
            {
                "province_code": code,
                "score_from": sa,
                "score_to": sb,
                "rank_from": ra,
                "rank_to": rb,
                "score_change": round(sb - sa, 4),
                "rank_change": pd.NA if pd.isna(ra) or pd.isna(rb) else int(ra) - int(rb),
                "kind_from": a["kind"] if a is not None else None,
                "kind_to": b["kind"] if b is not None else None,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "province_code",
            "score_from",
            "score_to",
            "rank_from",
            "rank_to",
            "score_change",
            "rank_change",
            "kind_from",
            "kind_to",
        ],
    )
    for col in ("rank_from", "rank_to", "rank_change"):
        out[col] = out[col].astype("Int64")
    return out


def side_by_side(
    ranked: pd.DataFrame,
    prov: pd.DataFrame,
    codes: Sequence[str],
    edition: int,
    indicators: Sequence[str],
    unit_set: str = "63",
) -> pd.DataFrame:
    """Score, rank, n and provenance kind of each (indicator, unit) in ``edition``.

    One row per indicator in ``indicators`` x unit in ``codes``, in that order; a pair
    without a score keeps missing values (the framework of 2020 has no main indices).
    """
    part = ranked[(ranked["unit_set"] == unit_set) & (ranked["edition"] == edition)]
    part = part[["province_code", "indicator", "score", "rank", "n"]]
    kinds = prov[(prov["unit_set"] == unit_set) & (prov["edition"] == edition)]
    grid = pd.DataFrame(
        [(i, c) for i in indicators for c in codes], columns=["indicator", "province_code"]
    )
    out = grid.merge(part, on=["indicator", "province_code"], how="left").merge(
        kinds[["indicator", "province_code", "kind"]], on=["indicator", "province_code"], how="left"
    )
    out["score"] = out["score"].astype(float)
    for col in ("rank", "n"):
        out[col] = out[col].astype("Int64")
    return out


def region_leaders(
    ranked: pd.DataFrame,
    units: pd.DataFrame,
    region: str,
    edition: int,
    unit_set: str = "63",
    n: int = 2,
    indicator: str = "dti",
) -> list[str]:
    """The ``n`` best-ranked members of ``region`` in ``edition`` (ties by code).
    Example: region_leaders(ranked, units, "DBSH", 2024) -> ["31", "01"] (Hải Phòng 3rd,
    Hà Nội 4th nationally)."""
    members = units[(units["unit_set"] == unit_set) & (units["region_code"] == region)]
    part = ranked[
        (ranked["edition"] == edition)
        & (ranked["unit_set"] == unit_set)
        & (ranked["indicator"] == indicator)
        & ranked["province_code"].isin(members["province_code"])
        & ranked["rank"].notna()
    ]
    return part.sort_values(["rank", "province_code"])["province_code"].head(n).tolist()


def region_peers(
    ranked: pd.DataFrame,
    units: pd.DataFrame,
    code: str,
    region: str,
    edition: int,
    unit_set: str = "63",
    k: int = MAX_COMPARED - 1,
    indicator: str = "dti",
    leaders: int = 2,
) -> list[str]:
    """``code`` and its region: the whole region when it fits in ``k + 1``; otherwise
    ``code``, the region's ``leaders`` best-ranked members (see ``region_leaders``), then
    the members nearest to ``code`` in score up to ``k + 1`` in all.

    The comparison holds at most six provinces; the Red River Delta has eleven in the
    63 set, so its preset is Hải Dương, the region's leaders (Hải Phòng, Hà Nội) and its
    three closest regional rivals.
    Example: region_peers(ranked, units, "30", "DBSH", 2024) -> ["30", "31", "01", ...].
    """
    members = units[(units["unit_set"] == unit_set) & (units["region_code"] == region)]
    codes = members["province_code"].tolist()
    if len(codes) <= k + 1:  # the whole region, best-ranked first, unranked last
        by_rank = region_leaders(ranked, units, region, edition, unit_set, len(codes), indicator)
        rest = by_rank + sorted(c for c in codes if c not in by_rank)
        return [code, *(c for c in rest if c != code)]
    top = region_leaders(ranked, units, region, edition, unit_set, leaders, indicator)
    top = [c for c in top if c != code]
    rest = nearest(
        ranked,
        code,
        edition,
        unit_set,
        k - len(top),
        indicator,
        among=[c for c in codes if c not in top],
    )
    return [code, *top, *rest]


def region_preset(
    ranked: pd.DataFrame,
    units: pd.DataFrame,
    code: str,
    region: str,
    edition: int,
    unit_set: str = "63",
) -> tuple[list[str], list[str], bool]:
    """The region preset of Compare: its codes (``region_peers``), the region's leaders
    among them and whether it is the whole region (so the page can say which in words)."""
    codes = region_peers(ranked, units, code, region, edition, unit_set)
    size = int(((units["unit_set"] == unit_set) & (units["region_code"] == region)).sum())
    leaders = region_leaders(ranked, units, region, edition, unit_set)
    return codes, leaders, len(codes) >= size


class _Comparable(Protocol):
    def comparable_with(self, other: _Comparable) -> bool: ...


def latest_comparable_pair(
    frameworks: Mapping[int, _Comparable], editions: Sequence[int]
) -> tuple[int, int]:
    """The latest (earlier, later) pair of ``editions`` whose frameworks are comparable
    (same method), latest later edition first, then the nearest earlier one; with none,
    the first and the last edition. Example: 2020..2024 (2020 alone in its method) ->
    (2023, 2024)."""
    eds = sorted(int(e) for e in editions)
    pairs = [
        (a, b)
        for i, b in enumerate(eds)
        for a in eds[:i]
        if frameworks[b].comparable_with(frameworks[a])
    ]
    if not pairs:
        return (eds[0], eds[-1]) if eds else (0, 0)
    return max(pairs, key=lambda ab: (ab[1], ab[0]))
