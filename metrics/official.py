"""Honesty about illustrative figures: which numbers need the "illustrative" mark, and the
"official figures only" view that hides everything that is not published or uploaded.

Pure pandas on the provenance table (``metrics.provenance.provenance`` output), the ranked
table and the published figures. The provenance kinds come from ``metrics.provenance.KINDS``:
only "illustrative" values carry the mark; only "published" and "uploaded" values are
official (derived and pro-forma values are not illustrative, but not official either).
"""

from __future__ import annotations

import pandas as pd

from metrics.provenance import KINDS, kind_of
from metrics.scoring import KEY

ILLUSTRATIVE = "illustrative"
OFFICIAL_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k in ("published", "uploaded"))
RANK_GROUP = ["edition", "unit_set", "indicator"]
SCORE_COLS = ("raw", "recomputed", "score")
RANK_COLS = ("rank", "percentile", "tier", "tier_vi", "tier_en")
REGION_COLS = ("region_rank",)


def is_illustrative(kind: object) -> bool:
    """True only for the "illustrative" provenance kind (missing -> False)."""
    return isinstance(kind, str) and kind == ILLUSTRATIVE


def values_illustrative(values: pd.DataFrame, unit_set: str, up_to: int) -> bool:
    """Whether any stored value of ``unit_set`` in editions up to ``up_to`` is illustrative:
    a deck of that edition draws on all of them (ranks depend on every unit's score, the
    trajectory on every earlier edition), so every slide then carries the mark.
    Example: the bundled values, "63", 2024 -> True; an official-only view -> False."""
    part = values[
        (values["unit_set"] == unit_set)
        & (values["edition"] <= int(up_to))
        & values["value"].notna()
    ]
    return bool(part["source"].map(kind_of).map(is_illustrative).any())


def figure_is_illustrative(
    prov: pd.DataFrame,
    published: pd.DataFrame,
    edition: int,
    unit_set: str,
    code: str,
    indicator: str = "dti",
) -> bool:
    """Whether a headline figure (one unit's score and rank) needs the mark: its score is
    illustrative, or its rank was not published and is computed from a group holding
    illustrative scores. Example: Hải Dương 2022 DTI (score and rank published) -> False;
    Hải Dương 2024 DTI -> True."""
    group = prov[
        (prov["edition"] == int(edition))
        & (prov["unit_set"] == unit_set)
        & (prov["indicator"] == indicator)
    ]
    mine = group[group["province_code"] == code]["kind"]
    if mine.map(is_illustrative).any():
        return True
    pub = published[
        (published["kind"] == "rank")
        & (published["edition"] == int(edition))
        & (published["unit_set"] == unit_set)
        & (published["province_code"] == code)
        & (published["indicator"] == indicator)
    ]
    return pub.empty and bool(group["kind"].map(is_illustrative).any())


def official_only(
    ranked: pd.DataFrame, prov: pd.DataFrame, published: pd.DataFrame
) -> pd.DataFrame:
    """``ranked`` with every number that is not official blanked (NaN / <NA>).

    A score stays when its provenance kind is published or uploaded. A rank (and its
    percentile and tier) stays when it was published itself, or when every score of its
    (edition, unit set, indicator) group is official, so the rank is computed from official
    figures only; a regional rank only in the latter case. Example: Hải Dương 2024 (rank
    13/63 from an illustrative completion) -> rank and score blank; Hà Nội 2022 DTI
    (published score and rank) -> kept.
    """
    kinds = prov[[*KEY, "indicator", "kind"]].drop_duplicates([*KEY, "indicator"])
    out = ranked.merge(kinds, on=[*KEY, "indicator"], how="left")
    ok_score = out["kind"].isin(OFFICIAL_KINDS) & out["score"].notna()
    has_score = out["score"].notna()
    # a group is official when every unit that has a score has an official one
    group_ok = (ok_score | ~has_score).groupby([out[c] for c in RANK_GROUP]).transform("all")
    # a derived rank (e.g. Hải Dương 2021) is not illustrative, but not official either
    official = published.get("provenance", pd.Series("published", index=published.index))
    pub = published[(published["kind"] == "rank") & official.fillna("published").eq("published")]
    pub = pub[[*KEY, "indicator"]].drop_duplicates()
    pub_rank = (
        out[[*KEY, "indicator"]]
        .merge(pub.assign(_pub=True), on=[*KEY, "indicator"], how="left")["_pub"]
        .eq(True)
        .to_numpy()
    )
    ok_rank = group_ok.to_numpy() | pub_rank
    for col in SCORE_COLS:
        if col in out:
            out[col] = out[col].where(ok_score)
    for col in RANK_COLS:
        if col in out:
            out[col] = out[col].where(ok_rank)
    for col in REGION_COLS:
        if col in out:
            out[col] = out[col].where(group_ok.to_numpy())
    return out.drop(columns=["kind"])


def official_values(values: pd.DataFrame, kind: pd.Series) -> pd.DataFrame:
    """The stored values whose provenance ``kind`` (aligned to ``values``) is official."""
    return values[kind.isin(OFFICIAL_KINDS).to_numpy()]


def scores_complete(
    ranked: pd.DataFrame, edition: int, unit_set: str, indicator: str = "dti"
) -> bool:
    """Whether every ranked unit of the edition has a score on ``indicator`` (always so for
    the full data; in the official-only view only where every score is official). Gaps to
    other ranks and the score a rank needs are meaningful only then."""
    part = ranked[
        (ranked["edition"] == int(edition))
        & (ranked["unit_set"] == unit_set)
        & (ranked["indicator"] == indicator)
    ]
    return bool(len(part)) and bool(part["score"].notna().all())
