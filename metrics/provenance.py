"""Where each number came from: published (with URL), uploaded (file + version), or
illustrative. Pure: works on the tidy values table and compute_scores output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from metrics.scoring import KEY

if TYPE_CHECKING:
    from data.frameworks import Framework

KINDS = ("published", "uploaded", "illustrative")


def kind_of(source: str | None) -> str | None:
    """"https://..." -> published; "upload:..." -> uploaded; "illustrative" -> illustrative."""
    if source is None or (isinstance(source, float)) or source == "":
        return None
    if source.startswith(("http://", "https://")):
        return "published"
    if source.startswith("upload:"):
        return "uploaded"
    return "illustrative"


def provenance(values: pd.DataFrame, scores: pd.DataFrame,
               frameworks: Mapping[int, Framework]) -> pd.DataFrame:
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
    if missing.any():
        order = {k: i for i, k in enumerate(KINDS)}
        by_key = {k: g for k, g in stored.groupby(KEY)}
        kinds, sources = [], []
        for row in out[missing].itertuples(index=False):
            fw = frameworks[int(row.edition)]
            members = fw.weights(row.indicator) if row.indicator in fw.composites else {}
            g = by_key.get((row.edition, row.unit_set, row.province_code))
            if g is None or not members:
                kinds.append(None)
                sources.append(None)
                continue
            ins = g[g["indicator"].isin(list(members))]
            if ins.empty:
                kinds.append(None)
                sources.append(None)
                continue
            worst = max(ins["kind"].dropna(), key=lambda k: order[k], default=None)
            kinds.append(worst)
            srcs = sorted(set(ins["source"].dropna()))
            sources.append(" | ".join(srcs) if worst == "published" else worst)
        out.loc[missing, "kind"] = kinds
        out.loc[missing, "source"] = sources
    return out


def illustrative_share(values: pd.DataFrame) -> tuple[int, int]:
    """(illustrative count, total count) over stored non-missing values."""
    v = values[values["value"].notna()]
    n_ill = int((v["source"].map(kind_of) == "illustrative").sum())
    return n_ill, len(v)
