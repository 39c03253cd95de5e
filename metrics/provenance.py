"""Where each number came from: published (with URL), uploaded (file + version), or
illustrative. Pure: works on the tidy values table and compute_scores output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from metrics.scoring import KEY

if TYPE_CHECKING:
    from domain.framework import Framework

KINDS = ("published", "uploaded", "illustrative")


def kind_of(source: str | None) -> str | None:
    """ "https://..." -> published; "upload:..." -> uploaded; "illustrative" -> illustrative."""
    if source is None or (isinstance(source, float)) or source == "":
        return None
    if source.startswith(("http://", "https://")):
        return "published"
    if source.startswith("upload:"):
        return "uploaded"
    return "illustrative"


def provenance(
    values: pd.DataFrame, scores: pd.DataFrame, frameworks: Mapping[int, Framework]
) -> pd.DataFrame:
    """Provenance of every score: key, indicator, kind, source.

    A stored value keeps its own source. A recomputed composite is as weak as its weakest
    input: illustrative if any input is illustrative, else uploaded if any is uploaded,
    else published (its sources are its inputs', joined). Example: Hải Dương 2022 dti is
    stored with the mic.gov.vn URL -> published, though its main indices are illustrative.
    """
    stored = values[[*KEY, "indicator", "source"]].copy()
    stored["kind"] = stored["source"].map(kind_of)
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
    rank = {k: i for i, k in enumerate(KINDS)}
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
