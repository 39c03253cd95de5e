"""Where each number came from. Five kinds, strongest first:

- ``published``: read in a public source (the source is its URL or URLs);
- ``uploaded``: from a file an uploader imported (``upload:<file> · v<version>``);
- ``derived``: not printed anywhere but following from published figures (the derivation
  in words and its sources; e.g. Hải Dương 2021 = 14th);
- ``pro-forma``: computed by a stated rule, e.g. a 34-unit value as the mean of its
  predecessors' main indices where no 34-unit figure is published;
- ``illustrative``: the bundled completion; never official.

Pure: works on the tidy values table, compute_scores/rank_scores output and the held
figures table (``data.store.load_published``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from domain.provenance import DERIVED, KINDS, PRO_FORMA, kind_of
from metrics.scoring import KEY

if TYPE_CHECKING:
    from domain.framework import Framework

__all__ = [  # the kinds and kind_of live in domain.provenance and are re-exported here
    "DERIVED",
    "KINDS",
    "PRO_FORMA",
    "count_kinds",
    "illustrative_share",
    "kind_of",
    "provenance",
    "provenance_with_ranks",
    "rank_provenance",
    "shown_kind_counts",
]


def count_kinds(kinds: pd.Series) -> dict[str, int]:
    """How many of each kind: {kind: count} for all five kinds (zeros included)."""
    return {k: int((kinds == k).sum()) for k in KINDS}


def shown_kind_counts(prov: pd.DataFrame) -> dict[str, int]:
    """Kinds of every score and every rank in ``provenance_with_ranks`` output (the
    banner's counts). Example: {"published": 420, ..., "illustrative": 5100}."""
    cols = [c for c in ("kind", "rank_kind") if c in prov]
    return count_kinds(pd.concat([prov[c] for c in cols]))


def rank_provenance(
    ranked: pd.DataFrame, prov: pd.DataFrame, figures: pd.DataFrame
) -> pd.DataFrame:
    """Provenance of every rank: key, indicator, rank_kind, rank_source.

    A rank held in ``figures`` (the published/derived table: edition, unit_set,
    province_code, indicator, kind = "rank", value, provenance, source) that the computed
    rank reproduces takes that figure's kind and source. Any other rank depends on every
    score of its measure, so it is as weak as the weakest of them (``prov``'s kinds for
    that edition, unit set and indicator): a rank among illustrative scores is
    illustrative, one among a complete upload is uploaded, one of the pro-forma 34-unit
    series is pro-forma. Example: Hải Dương 2021 dti rank 14 -> derived.
    """
    cols = [*KEY, "indicator"]
    r = ranked.loc[ranked["rank"].notna(), [*cols, "rank"]]
    k = prov[[*cols, "kind"]]
    worst = (
        k.assign(order=k["kind"].map({n: i for i, n in enumerate(KINDS)}))
        .groupby(["edition", "unit_set", "indicator"])["order"]
        .max()
        .rename("order")
        .reset_index()
    )
    out = r.merge(worst, on=["edition", "unit_set", "indicator"], how="left")
    out["rank_kind"] = out["order"].map(lambda o: None if pd.isna(o) else KINDS[int(o)])
    out["rank_source"] = out["rank_kind"]
    held = figures.reindex(columns=[*cols, "kind", "value", "provenance", "source", "derivation"])
    held = held[held["kind"] == "rank"].drop(columns="kind")
    if not held.empty:
        held["edition"] = held["edition"].astype(int)
        held["held"] = held["value"].astype(float).astype(int)
        held["provenance"] = held["provenance"].fillna("published")
        derived = held["provenance"] == DERIVED
        held.loc[derived, "source"] = (
            "derived: "
            + held.loc[derived, "derivation"].fillna("").astype(str)
            + " Sources: "
            + held.loc[derived, "source"].astype(str)
        )
        out = out.merge(held.drop(columns=["value", "derivation"]), on=cols, how="left")
        hit = out["held"].notna() & (out["held"] == out["rank"])
        out.loc[hit, "rank_kind"] = out.loc[hit, "provenance"]
        out.loc[hit, "rank_source"] = out.loc[hit, "source"]
    return out[[*cols, "rank_kind", "rank_source"]]


def provenance(
    values: pd.DataFrame, scores: pd.DataFrame, frameworks: Mapping[int, Framework]
) -> pd.DataFrame:
    """Provenance of every score: key, indicator, kind, source.

    A stored value keeps its own source; an uploaded one gets its version number appended
    ("upload:dti_2022.xlsx · v2") when ``values`` has the store's ``version`` column. A
    recomputed composite is as weak as its weakest input (``KINDS`` order: published,
    uploaded, derived, pro-forma, illustrative); a published one lists its inputs' sources. Example: Hải Dương 2022 dti is
    stored with the mic.gov.vn URL -> published, though its main indices are illustrative.
    """
    stored = values[[*KEY, "indicator", "source"]].copy()
    stored["kind"] = stored["source"].map(kind_of)
    if "version" in values:
        # an uploaded value names its file and the version number it came in with
        up = (stored["kind"] == "uploaded") & values["version"].notna()
        stored.loc[up, "source"] = (
            stored.loc[up, "source"] + " · v" + values.loc[up, "version"].astype(int).astype(str)
        )
    out = scores[[*KEY, "indicator"]].merge(stored, on=[*KEY, "indicator"], how="left")
    missing = out["kind"].isna()
    if not missing.any():
        return out
    # composite -> member inputs, per edition (from the frameworks, never from code)
    members = pd.DataFrame(
        [
            (e, comp, m)
            for e, fw in frameworks.items()
            for comp in fw.composites
            for m in fw.weights(comp)
        ],
        columns=["edition", "indicator", "member"],
    )
    todo = out.loc[missing, [*KEY, "indicator"]].merge(members, on=["edition", "indicator"])
    ins = stored.rename(columns={"indicator": "member"})
    todo = todo.merge(ins, on=[*KEY, "member"], how="inner").dropna(subset=["kind"])
    rank = {k: i for i, k in enumerate(KINDS)}  # KINDS runs strongest to weakest
    todo["order"] = todo["kind"].map(rank)
    agg = (
        todo.groupby([*KEY, "indicator"], sort=False)
        .agg(
            order=("order", "max"),
            sources=("source", lambda s: " | ".join(sorted(set(s)))),
        )
        .reset_index()
    )
    agg["kind_new"] = agg["order"].map(dict(enumerate(KINDS)))
    agg["source_new"] = agg["sources"].where(agg["kind_new"] == "published", agg["kind_new"])
    out = out.merge(
        agg[[*KEY, "indicator", "kind_new", "source_new"]], on=[*KEY, "indicator"], how="left"
    )
    fill = out["kind"].isna()
    out.loc[fill, "kind"] = out.loc[fill, "kind_new"]
    out.loc[fill, "source"] = out.loc[fill, "source_new"]
    return out.drop(columns=["kind_new", "source_new"])


def illustrative_share(values: pd.DataFrame) -> tuple[int, int]:
    """(illustrative count, total count) over stored non-missing values."""
    v = values[values["value"].notna()]
    n_ill = int((v["source"].map(kind_of) == "illustrative").sum())
    return n_ill, len(v)


def provenance_with_ranks(
    values: pd.DataFrame,
    scores: pd.DataFrame,
    ranked: pd.DataFrame,
    frameworks: Mapping[int, Framework],
    figures: pd.DataFrame,
) -> pd.DataFrame:
    """``provenance`` plus ``rank_provenance``: key, indicator, kind, source, rank_kind,
    rank_source (rank columns missing where there is no rank)."""
    prov = provenance(values, scores, frameworks)
    ranks = rank_provenance(ranked, prov, figures)
    return prov.merge(ranks, on=[*KEY, "indicator"], how="left")
