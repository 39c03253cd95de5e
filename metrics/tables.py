"""Wide tables for people: one row per province."""

from __future__ import annotations

import pandas as pd

RANKING_COLUMNS = [
    "province",
    "province_code",
    "dti",
    "dti_rank",
    "dti_source",
    "dti_rank_source",
    "gov_score",
    "gov_rank",
    "gov_source",
    "gov_rank_source",
    "econ_score",
    "econ_rank",
    "econ_source",
    "econ_rank_source",
    "soc_score",
    "soc_rank",
    "soc_source",
    "soc_rank_source",
    "region",
    "region_rank",
]


def rankings_table(
    ranked: pd.DataFrame,
    edition: int,
    unit_set: str,
    units: pd.DataFrame,
    measure: str = "dti",
    prov: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per unit of (edition, unit set): DTI and pillar scores and ranks, region and
    the rank within the region (of ``measure``), sorted by the measure's rank then code.

    ``<ind>_source`` / ``<ind>_rank_source`` are the provenance kinds (published, uploaded,
    derived, pro-forma, illustrative) of each score and rank, from ``prov``
    (``metrics.provenance.provenance_with_ranks``; missing when not given).
    ``units`` has province_code, name, region (display name). Missing stays missing (None
    in JSON). Example row: Hải Dương 2022 -> dti 0.6383, dti_rank 13, dti_source published.
    """
    part = ranked[(ranked["edition"] == edition) & (ranked["unit_set"] == unit_set)]
    kinds = pd.DataFrame(columns=["province_code", "indicator", "kind", "rank_kind"])
    if prov is not None:
        kinds = prov[(prov["edition"] == edition) & (prov["unit_set"] == unit_set)]
    u = units.set_index("province_code")
    out = pd.DataFrame({"province_code": list(u.index)})
    out["province"] = out["province_code"].map(u["name"])

    def add(ind: str, score_col: str) -> None:
        s = part[part["indicator"] == ind].set_index("province_code")
        k = kinds[kinds["indicator"] == ind].set_index("province_code")
        out[score_col] = out["province_code"].map(s["score"])
        out[f"{ind}_rank"] = out["province_code"].map(s["rank"]).astype("Int64")
        out[f"{ind}_source"] = out["province_code"].map(k["kind"])
        out[f"{ind}_rank_source"] = out["province_code"].map(k["rank_kind"])

    for ind in ("dti", "gov", "econ", "soc"):
        add(ind, "dti" if ind == "dti" else f"{ind}_score")
    m = part[part["indicator"] == measure].set_index("province_code")
    if measure not in ("dti", "gov", "econ", "soc"):
        add(measure, f"{measure}_score")
    out["region"] = out["province_code"].map(u["region"])
    out["region_rank"] = out["province_code"].map(m["region_rank"]).astype("Int64")
    cols = list(RANKING_COLUMNS)
    if measure != "dti" and f"{measure}_score" not in cols:
        cols[2:2] = [
            f"{measure}_score",
            f"{measure}_rank",
            f"{measure}_source",
            f"{measure}_rank_source",
        ]
    sort_rank = f"{measure}_rank" if measure != "dti" else "dti_rank"
    out = out.sort_values([sort_rank, "province_code"], na_position="last", kind="stable")
    return out[cols].reset_index(drop=True)


def rankings_view(
    ranked: pd.DataFrame,
    prov: pd.DataFrame,
    edition: int,
    unit_set: str,
    measure: str,
    units: pd.DataFrame,
) -> pd.DataFrame:
    """All units of (edition, unit set) for one measure, best first: province_code,
    province, region_code, region, score, rank, n, tier (1..4 quartile), region_rank,
    kind and rank_kind (published/uploaded/derived/pro-forma/illustrative/None), plus
    dti/gov/econ/soc scores for context.

    Missing scores sort last and keep no rank or tier. ``units`` has province_code, name,
    region_code, region. Example: 2022, dti -> first row Đà Nẵng 0.8002 rank 1 tier 1.
    """
    from metrics.ranking import tier_of

    part = ranked[(ranked["edition"] == edition) & (ranked["unit_set"] == unit_set)]
    m = part[part["indicator"] == measure].set_index("province_code")
    mine = prov[
        (prov["edition"] == edition)
        & (prov["unit_set"] == unit_set)
        & (prov["indicator"] == measure)
    ].set_index("province_code")
    kinds = mine["kind"]
    rank_kinds = mine.get("rank_kind", kinds)
    out = (
        units[["province_code", "name", "region_code", "region"]]
        .rename(columns={"name": "province"})
        .copy()
    )
    out["score"] = out["province_code"].map(m["score"]).astype(float)
    out["rank"] = out["province_code"].map(m["rank"]).astype("Int64")
    out["n"] = out["province_code"].map(m["n"]).astype("Int64")
    out["tier"] = tier_of(out["rank"], out["n"])
    out["region_rank"] = out["province_code"].map(m["region_rank"]).astype("Int64")
    out["kind"] = out["province_code"].map(kinds)
    out["rank_kind"] = out["province_code"].map(rank_kinds)
    for ind in ("dti", "gov", "econ", "soc"):
        s = part[part["indicator"] == ind].set_index("province_code")["score"]
        out[f"{ind}_score"] = out["province_code"].map(s).astype(float)
    out = out.sort_values(["rank", "province_code"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def filter_view(
    view: pd.DataFrame, regions: list[str] | None = None, query: str = "", key=None
) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Rows whose region is in ``regions`` (all when empty) and whose province name
    contains ``query`` after folding both with ``key`` (e.g. the province-name normaliser,
    so "hai duong" finds "Hải Dương"). Ranks are kept: a filter never re-ranks."""
    out = view
    if regions:
        out = out[out["region_code"].isin(regions)]
    if query.strip():
        fold = key or (lambda s: s.casefold())
        q = fold(query)
        out = out[out["province"].map(lambda n: q in fold(n))]
    return out.reset_index(drop=True)
