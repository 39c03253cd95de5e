"""Xếp hạng / Rankings: every province of an edition, one measure at a time."""

import pandas as pd
import streamlit as st

from app.exports import rankings_export
from charts.ranking import ranking_bars
from data.export import table_bytes
from data.provinces import REGIONS, normalise, region_name
from i18n import fmt_num, fmt_rank, t
from metrics.ranking import tier_label
from metrics.select import rows_where
from metrics.tables import filter_view, projector_view, rankings_view
from views._shared import (
    chart,
    current_lang,
    dataset,
    home,
    memo,
    pairs_of,
    pro_forma_note,
    provenance_table,
    query_choice,
    query_codes,
    query_text,
    set_query,
)

# Inputs
lang = current_lang()
ds = dataset()
H = home()
prov = provenance_table()
pairs = pairs_of(ds)
editions = sorted({e for e, _ in pairs}, reverse=True)

st.title(t("rankings.title", lang))
# Widths: the unit-set label is the longest ("34 tỉnh, thành phố (quy đổi pro-forma)");
# at 1366 px it must not be cut.
c1, c2, c3, c4 = st.columns([0.7, 2, 1.6, 1.1])
edition = query_choice("edition", editions, c1, t("rankings.edition", lang), cast=int)
unit_sets = sorted((u for e, u in pairs if e == edition), key=lambda u: u != "63")
pro_forma = edition in ds.pro_forma_editions
unit_set = query_choice(
    "unit",
    unit_sets,
    c2,
    t("rankings.unit_set", lang),
    fmt=lambda u: t("unit.34_pro_forma" if pro_forma and u == "34" else f"unit.{u}", lang),
)
fw = ds.frameworks[edition]
measures = [
    "dti",
    *[p for p in ("gov", "econ", "soc")],
    *[i for i in fw.inputs if i not in ("gov", "econ", "soc")],
]
measure = query_choice(
    "measure", measures, c3, t("rankings.measure", lang), fmt=lambda m: fw.get(m).label(lang)
)
# "top" (default): the projector view, top 20 and the home province's neighbourhood in
# large type; "chart": all provinces; "table".
view_mode = query_choice(
    "view",
    ["top", "chart", "table"],
    c4,
    t("rankings.view", lang),
    fmt=lambda v: t(f"rankings.view_{v}", lang),
)
f1, f2 = st.columns([2, 1])
regions = f1.multiselect(
    t("rankings.region", lang),
    list(REGIONS),
    default=query_codes(
        "region",
        lambda raw: list(dict.fromkeys(r.strip() for r in raw.split(",") if r.strip() in REGIONS)),
    ),
    format_func=lambda r: region_name(r, lang),
    key="region",
    placeholder=t("rankings.region_all", lang),
)
query = f2.text_input(t("rankings.search", lang), value=query_text("q"), key="q")
set_query("region", ",".join(regions))
set_query("q", query)

# Compute
units = ds.units_of(unit_set, lang)
view = memo(
    ds,
    "rankings_view",
    (edition, unit_set, measure, lang),
    lambda: rankings_view(ds.ranked, prov, edition, unit_set, measure, units),
)
shown = memo(
    ds,
    "rankings_shown",
    (edition, unit_set, measure, lang, tuple(regions), query),
    lambda: filter_view(view, regions, query, key=normalise),
)
label = fw.get(measure).label(lang)

# Draw
st.caption(t("rankings.caption", lang, n=len(shown), total=len(view)))
pro_forma_note(ds, edition, unit_set, lang)
if fw.assumed:
    st.caption(t("rankings.assumed_points", lang))


def _show_all() -> None:
    st.query_params["view"] = "chart"


if view_mode == "top":
    top_rows = memo(
        ds,
        "rankings_top",
        (edition, unit_set, measure, lang, tuple(regions), query, H.code(unit_set)),
        lambda: projector_view(shown, H.code(unit_set)),
    )
    st.caption(t("rankings.top_caption", lang, home=H.name(unit_set)))
    chart(
        memo(
            ds,
            "ranking_bars_top",
            (edition, unit_set, measure, lang, tuple(regions), query, H.code(unit_set)),
            lambda: ranking_bars(top_rows, H.code(unit_set), label, edition, lang, large=True),
        ),
        "ranking_top",
        name=f"dti_{edition}_{unit_set}_{measure}_top",
    )
    st.button(
        t("rankings.show_all", lang, n=len(shown)),
        on_click=_show_all,
        key="rankings_show_all",
        icon=":material/unfold_more:",
    )
if view_mode == "chart":
    chart(
        memo(
            ds,
            "ranking_bars",
            (edition, unit_set, measure, lang, tuple(regions), query, H.code(unit_set)),
            lambda: ranking_bars(shown, H.code(unit_set), label, edition, lang),
        ),
        "ranking_chart",
        name=f"dti_{edition}_{unit_set}_{measure}",
    )


def _table() -> tuple[pd.DataFrame, list]:
    """The table view's rows and the home province's row labels (built only when shown)."""
    table = pd.DataFrame(
        {
            t("col.rank", lang): shown["rank"],
            t("col.province", lang): shown["province"],
            t("col.region", lang): shown["region"],
            label: [fmt_num(s, lang) for s in shown["score"]],
            t("col.tier", lang): [
                tier_label(x, lang) if pd.notna(x) else "–" for x in shown["tier"]
            ],
            t("col.region_rank", lang): [fmt_rank(r, None, lang) for r in shown["region_rank"]],
            t("col.provenance", lang): [
                t(f"prov.{k}", lang) if isinstance(k, str) else "–" for k in shown["kind"]
            ],
            t("col.rank_provenance", lang): [
                t(f"prov.{k}", lang) if isinstance(k, str) else "–" for k in shown["rank_kind"]
            ],
        }
    )
    if measure != "dti":
        table[t("col.dti", lang)] = [fmt_num(s, lang) for s in shown["dti_score"]]
    return table, list(rows_where(shown, province_code=H.code(unit_set)).index)


if view_mode == "table":
    table, home_rows = memo(
        ds,
        "rankings_table",
        (edition, unit_set, measure, lang, tuple(regions), query, H.code(unit_set)),
        _table,
    )
    # a Styler per run: Streamlit computes its styles in place, so it is not shared
    styled = table.style.set_properties(
        subset=pd.IndexSlice[home_rows, :],
        **{"background-color": "#FBE3D6", "font-weight": "bold"},
    ).format(na_rep="–", subset=[t("col.rank", lang)])  # a missing score has no rank: "–"
    st.dataframe(styled, hide_index=True, width="stretch", height=min(36 * len(shown) + 40, 900))
st.caption(t("rankings.legend", lang, home=H.name("63"), successor=H.name("34")))
d1, d2 = st.columns(2)
name = f"dti_{edition}_{unit_set}_{measure}"
# Files are made only when clicked (a callable), not on every run of the page.
d1.download_button(
    t("download.csv", lang),
    lambda: table_bytes(rankings_export(shown, measure, label, lang), "csv"),
    f"{name}.csv",
    "text/csv",
    key="dl_csv",
    on_click="ignore",
)
d2.download_button(
    t("download.xlsx", lang),
    lambda: table_bytes(rankings_export(shown, measure, label, lang), "xlsx", name),
    f"{name}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="dl_xlsx",
    on_click="ignore",
)
