"""Downloadable tables as a reader sees them: a province name beside every province code,
headers in the page's language (i18n/strings.csv), indicator codes as their names and
numbers kept as numbers (never formatted text). The command-line exports
(``python -m data export``, ``python -m metrics rankings``) keep their own columns."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data.frameworks import Framework
from data.provinces import by_code
from i18n import t
from i18n import table as strings

# Province code columns and the column their names go into (inserted right after).
CODE_COLUMNS = {
    "province_code": "province",
    "code": "name",
    "leader_code": "leader",
    "holder": "holder_name",
}
# Columns whose cells are indicator codes or provenance kinds.
INDICATOR_COLUMNS = ("indicator",)
KIND_COLUMNS = ("kind", "rank_kind", "kind_from", "kind_to")


def _header(col: str, lang: str) -> str:
    key = f"export.{col}"
    return t(key, lang) if key in strings() else col


def export_frame(
    df: pd.DataFrame,
    lang: str,
    unit_set: str = "63",
    frameworks: Mapping[int, Framework] | None = None,
) -> pd.DataFrame:
    """``df`` ready for a CSV/XLSX download in ``lang`` (see the module docstring).

    Names come from the province registry of ``unit_set`` (or of each row's ``unit_set``
    column when the table has one). Unknown codes stay as they are."""
    out = df.reset_index(drop=True).copy()
    unit_set = unit_set if unit_set in ("63", "34") else "63"  # a hand-edited URL
    sets = out["unit_set"].astype(str) if "unit_set" in out.columns else None
    for col, name_col in CODE_COLUMNS.items():
        if col not in out.columns or name_col in out.columns:
            continue
        codes = out[col].astype(object)
        units = sets if sets is not None else pd.Series(unit_set, index=out.index)
        names = [
            by_code(u).get(str(c)).name if isinstance(c, str) and str(c) in by_code(u) else None
            for c, u in zip(codes, units, strict=True)
        ]
        out.insert(out.columns.get_loc(col) + 1, name_col, names)
    labels: dict[str, str] = {}
    for fw in sorted((frameworks or {}).values(), key=lambda f: f.edition):
        labels.update({i.code: i.label(lang) for i in fw.indicators})
    for col in INDICATOR_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda c: labels.get(c, c) if isinstance(c, str) else c)
    for col in KIND_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(
                lambda k: (
                    t(f"prov.{k}", lang) if isinstance(k, str) and f"prov.{k}" in strings() else k
                )
            )
    return out.rename(columns={c: _header(str(c), lang) for c in out.columns})


def rankings_export(shown: pd.DataFrame, measure: str, label: str, lang: str) -> pd.DataFrame:
    """The Rankings page's download: rank, province name and code, region, the measure's
    score (a number, header = the measure's name), tier, rank in region, provenance and,
    for a component measure, the DTI score. Missing values stay empty cells."""
    from metrics.ranking import tier_label

    def kind(k: object) -> object:
        return t(f"prov.{k}", lang) if isinstance(k, str) else None

    out = pd.DataFrame(
        {
            t("export.rank", lang): shown["rank"].astype("Int64"),
            t("export.province", lang): shown["province"],
            t("export.province_code", lang): shown["province_code"],
            t("export.region", lang): shown["region"],
            label: shown["score"].astype(float),
            t("export.tier", lang): [
                tier_label(x, lang) if pd.notna(x) else None for x in shown["tier"]
            ],
            t("export.region_rank", lang): shown["region_rank"].astype("Int64"),
            t("export.kind", lang): [kind(k) for k in shown["kind"]],
            t("export.rank_kind", lang): [kind(k) for k in shown["rank_kind"]],
        }
    )
    if measure != "dti":
        out[t("export.dti_score", lang)] = shown["dti_score"].astype(float)
    return out.reset_index(drop=True)
