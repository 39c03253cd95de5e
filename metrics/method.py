"""The methodology page's tables: frameworks, sources, provenance shares, the merger map."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from metrics.provenance import KINDS

if TYPE_CHECKING:
    from domain.framework import Framework


def framework_rows(fw: Framework) -> pd.DataFrame:
    """One row per indicator of an edition's framework.

    Columns: indicator, group, points (NaN for computed measures), share = points /
    total points (the weight in the DTI), pillars (tuple of pillar codes the indicator
    counts towards), members (for pillars and the total: the scored inputs they
    average), label_vi, label_en. Example (2022): awareness, foundation, 100, 0.1,
    ("gov", "econ", "soc"); dti members are the 8 main indices.
    """
    total = fw.total_points
    rows = []
    for ind in fw.indicators:
        pts = fw.points.get(ind.code)  # inputs only: the total's points are their sum
        members: tuple[str, ...] = ()
        if ind.code in fw.composites:
            members = tuple(fw.weights(ind.code))
        rows.append(
            {
                "indicator": ind.code,
                "group": ind.group,
                "points": pts if pts else float("nan"),
                "share": pts / total if pts else float("nan"),
                "pillars": ind.pillars if pts else (),
                "members": members,
                "label_vi": ind.label_vi,
                "label_en": ind.label_en,
            }
        )
    return pd.DataFrame(rows)


def _host(url: str) -> str:
    """ "https://www.b.vn/y?q" -> "b.vn" (string work only: metrics touch no network
    modules, not even urllib)."""
    m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#:]+)", url)
    return m.group(1).lower().removeprefix("www.") if m else url


def sources(published: pd.DataFrame) -> pd.DataFrame:
    """Published figures grouped by source URL: source, site (host name), n (figures),
    editions (sorted list), indicators (sorted list). Most-cited first, then by URL.

    A figure whose source lists several URLs ("url1 | url2") counts once for each; a
    source named in words only (a derived figure's article whose URL is not held) is no
    link and is left out. Example: 63 rank rows from one dti.gov.vn page -> one row, n = 63.
    """
    split = published.assign(source=published["source"].astype(str).str.split(" | ", regex=False))
    split = split.explode("source")
    split = split[split["source"].str.match(r"^https?://")]
    if split.empty:
        return pd.DataFrame(columns=["source", "site", "n", "editions", "indicators"])
    g = split.groupby("source", sort=False)
    out = pd.DataFrame(
        {
            "n": g.size(),
            "editions": g["edition"].agg(lambda s: sorted({int(e) for e in s})),
            "indicators": g["indicator"].agg(lambda s: sorted(set(s))),
        }
    ).reset_index()
    out["site"] = [_host(str(u)) for u in out["source"]]
    out = out.sort_values(["n", "source"], ascending=[False, True]).reset_index(drop=True)
    return out[["source", "site", "n", "editions", "indicators"]]


def unit_sources(
    prov: pd.DataFrame, code: str, edition: int, unit_set: str, limit: int = 3
) -> list[str]:
    """Where one unit's own figures of an edition come from: the host names of their
    sources (most-cited first, as ``sources``), then the files they were uploaded from
    ("DTI_2025.xlsx · v2"); empty when every figure is illustrative or pro-forma.

    ``prov`` is ``metrics.provenance.provenance`` output. Example: Hải Dương 2022 (its DTI
    published by dti.gov.vn and mic.gov.vn, the rest illustrative) -> ["dti.gov.vn",
    "mic.gov.vn"]; Hải Dương 2024 (illustrative) -> [].
    """
    own = prov[
        (prov["edition"] == edition)
        & (prov["unit_set"] == unit_set)
        & (prov["province_code"] == code)
    ]
    sites = [s for s in sources(own)["site"] if s]
    # composites of uploaded inputs say only "uploaded"; the inputs name their file
    up = own.loc[own["kind"] == "uploaded", "source"].astype(str)
    files = up[up.str.startswith("upload:")].str.removeprefix("upload:")
    return list(dict.fromkeys([*sites, *files]))[:limit]


def provenance_shares(prov: pd.DataFrame) -> pd.DataFrame:
    """Per (edition, unit_set): how many scores are published, uploaded, illustrative.

    ``prov`` is ``metrics.provenance.provenance`` output (one row per score shown).
    Columns: edition, unit_set, n, then per kind the count and ``share_<kind>`` (count /
    n). Rows without a kind (no value) count in n only. Example: 4 scores of which 1
    published and 3 illustrative -> share_published 0.25, share_illustrative 0.75.
    """
    counts = prov.assign(kind=prov["kind"].fillna("none")).pivot_table(
        index=["edition", "unit_set"],
        columns="kind",
        values="province_code",
        aggfunc="count",
        fill_value=0,
    )
    out = counts.reindex(columns=[*KINDS, "none"], fill_value=0)
    out["n"] = out.sum(axis=1)
    for k in KINDS:
        out[f"share_{k}"] = out[k] / out["n"]
    out = out.drop(columns="none").reset_index()
    out.columns.name = None
    cols = ["edition", "unit_set", "n", *KINDS, *(f"share_{k}" for k in KINDS)]
    return (
        out[cols]
        .sort_values(["edition", "unit_set"], ascending=[True, False])
        .reset_index(drop=True)
    )


def merger_rows(units: pd.DataFrame) -> pd.DataFrame:
    """The 63 -> 34 map (Resolution 202/2025/QH15): one row per 34-set unit.

    ``units`` is ``Dataset.units`` (unit_set, province_code, name, successor_code).
    Columns: code, name, predecessors (63-set codes), predecessor_names, merged (True
    when more than one province became this unit). Example: 31 Hải Phòng <- 30 Hải
    Dương + 31 Hải Phòng.
    """
    u63 = units[units["unit_set"] == "63"]
    u34 = units[units["unit_set"] == "34"]
    rows = []
    for code, name in zip(u34["province_code"], u34["name"], strict=True):
        pre = u63[u63["successor_code"] == code].sort_values("province_code")
        rows.append(
            {
                "code": code,
                "name": name,
                "predecessors": pre["province_code"].tolist(),
                "predecessor_names": pre["name"].tolist(),
                "merged": len(pre) > 1,
            }
        )
    return pd.DataFrame(
        rows, columns=["code", "name", "predecessors", "predecessor_names", "merged"]
    )


def reconciliations(recon: pd.DataFrame, values: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Stored totals that differ from their recomputation, with both values.

    ``recon`` is ``metrics.scoring.reconcile`` output; ``values`` the tidy values (for each
    stored figure's source); ``units`` has unit_set, province_code, name. One row per
    differing figure: edition, unit_set, province_code, province, indicator, published
    (the stored total, which is shown and ranked), recomputed, diff, ok (within the
    ±0.0001 the publisher's rounding allows), source. Example: TP. Hồ Chí Minh 2022 dti
    0.7163 published vs 0.7164 recomputed (diff -0.0001, ok).
    """
    cols = [
        "edition",
        "unit_set",
        "province_code",
        "province",
        "indicator",
        "published",
        "recomputed",
        "diff",
        "ok",
        "source",
    ]
    d = recon[recon["recomputed"].notna() & (recon["diff"] != 0)]
    if d.empty:
        return pd.DataFrame(columns=cols)
    key = ["edition", "unit_set", "province_code", "indicator"]
    d = d.merge(values[[*key, "source"]], on=key, how="left")
    d = d.merge(
        units[["unit_set", "province_code", "name"]], on=["unit_set", "province_code"], how="left"
    )
    d = d.rename(columns={"stored": "published", "name": "province"})
    return d[cols].sort_values(key).reset_index(drop=True)


def derived_figures(figures: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The derived figures held (``provenance == "derived"`` in published.csv): edition,
    unit_set, province_code, province, indicator, kind, value, derivation, source.
    Example: Hải Dương 2021 dti rank 14, derived from the 2020 and 2022 ranks and the
    province's 2024 article."""
    cols = ["edition", "unit_set", "province_code", "province", "indicator", "kind", "value"]
    cols += ["derivation", "source"]
    if "provenance" not in figures:
        return pd.DataFrame(columns=cols)
    d = figures[figures["provenance"] == "derived"].merge(
        units[["unit_set", "province_code", "name"]], on=["unit_set", "province_code"], how="left"
    )
    return d.rename(columns={"name": "province"})[cols].reset_index(drop=True)
