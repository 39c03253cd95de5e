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

    The CLI's and exports' columns of the one rankings table (``rankings_view``, which the
    page shows). ``<ind>_source`` / ``<ind>_rank_source`` are the provenance kinds
    (published, uploaded, derived, pro-forma, illustrative) of each score and rank, from
    ``prov`` (``metrics.provenance.provenance_with_ranks``; missing when not given).
    ``units`` has province_code, name, region_code, region. Missing stays missing (None in
    JSON). Example row: Hải Dương 2022 -> dti 0.6383, dti_rank 13, dti_source published.
    """
    view = rankings_view(ranked, prov, edition, unit_set, measure, units)
    out = view.rename(columns={"dti_score": "dti"})
    cols = list(RANKING_COLUMNS)
    if f"{measure}_rank" not in cols:
        out[f"{measure}_score"], out[f"{measure}_rank"] = view["score"], view["rank"]
        out[f"{measure}_source"] = view["kind"]
        out[f"{measure}_rank_source"] = view["rank_kind"]
        cols[2:2] = [
            f"{measure}_score",
            f"{measure}_rank",
            f"{measure}_source",
            f"{measure}_rank_source",
        ]
    return out[cols]


def rankings_view(
    ranked: pd.DataFrame,
    prov: pd.DataFrame | None,
    edition: int,
    unit_set: str,
    measure: str,
    units: pd.DataFrame,
) -> pd.DataFrame:
    """All units of (edition, unit set) for one measure, best first: province_code,
    province, region_code, region, score, rank, n, tier (1..4 quartile), region_rank,
    kind and rank_kind of the measure (published/uploaded/derived/pro-forma/illustrative;
    None without ``prov``), plus dti/gov/econ/soc scores, ranks and their kinds for context
    (``dti_score``, ``dti_rank``, ``dti_source``, ``dti_rank_source``, …).

    Missing scores sort last and keep no rank or tier. ``units`` has province_code, name,
    region_code, region. Example: 2022, dti -> first row Đà Nẵng 0.8002 rank 1 tier 1.
    """
    from metrics.ranking import tier_of

    part = ranked[(ranked["edition"] == edition) & (ranked["unit_set"] == unit_set)]
    m = part[part["indicator"] == measure].set_index("province_code")
    mine = (
        pd.DataFrame(columns=["province_code", "indicator", "kind", "rank_kind"])
        if prov is None
        else prov[(prov["edition"] == edition) & (prov["unit_set"] == unit_set)]
    )
    if "rank_kind" not in mine:
        mine = mine.assign(rank_kind=mine["kind"])

    def kinds_of(ind: str) -> pd.DataFrame:
        return mine[mine["indicator"] == ind].set_index("province_code")

    kinds = kinds_of(measure)
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
    out["kind"] = out["province_code"].map(kinds["kind"])
    out["rank_kind"] = out["province_code"].map(kinds["rank_kind"])
    for ind in ("dti", "gov", "econ", "soc"):
        s = part[part["indicator"] == ind].set_index("province_code")
        k = kinds_of(ind)
        out[f"{ind}_score"] = out["province_code"].map(s["score"]).astype(float)
        out[f"{ind}_rank"] = out["province_code"].map(s["rank"]).astype("Int64")
        out[f"{ind}_source"] = out["province_code"].map(k["kind"])
        out[f"{ind}_rank_source"] = out["province_code"].map(k["rank_kind"])
    out = out.sort_values(["rank", "province_code"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def filter_view(
    view: pd.DataFrame,
    regions: list[str] | None = None,
    query: str = "",
    key=None,  # type: ignore[no-untyped-def]
    group_col: str = "region_code",
    name_col: str = "province",
) -> pd.DataFrame:
    """Rows whose region (``group_col``) is in ``regions`` (all when empty) and whose name
    (``name_col``) contains ``query`` after folding both with ``key`` (e.g. the
    province-name normaliser, so "hai duong" finds "Hải Dương"). Ranks are kept: a filter
    never re-ranks. The internal assessments filter units by kind the same way."""
    out = view
    if regions:
        out = out[out[group_col].isin(regions)]
    if query.strip():
        fold = key or (lambda s: s.casefold())
        q = fold(query)
        out = out[out[name_col].map(lambda n: q in fold(n))]
    return out.reset_index(drop=True)


def projector_view(
    view: pd.DataFrame, home_code: str | None, top: int = 20, around: int = 2
) -> pd.DataFrame:
    """The rows a projector can show: the ``top`` best-ranked rows of ``view`` (ranked
    rows only, best first) plus the home province and ``around`` rows either side of it
    in the ranked order when it is not among them. Ranks are kept. Example: 63 provinces,
    home 13th -> ranks 1..20; home 38th -> ranks 1..20 and 36..40."""
    ranked = view.dropna(subset=["score"]).sort_values(["rank", "province_code"])
    ranked = ranked.reset_index(drop=True)
    keep = set(range(min(top, len(ranked))))
    at = ranked.index[ranked["province_code"] == home_code]
    if len(at):
        i = int(at[0])
        keep |= set(range(max(0, i - around), min(len(ranked), i + around + 1)))
    return ranked.loc[sorted(keep)].reset_index(drop=True)
