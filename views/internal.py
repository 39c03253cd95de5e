"""Đánh giá nội bộ / Internal assessments: the province's own ranking of its departments
and communes, published editions for everyone, unpublished ones for the uploader role."""

import pandas as pd
import streamlit as st

from charts.assessment import gap_bar, lost_points_bar, units_bar
from data.assessment_ingest.units import UNIT_KINDS, unit_key
from i18n import fmt_num, fmt_rank, fmt_rank_change, t
from metrics.assessment import (
    change_vs_previous,
    criteria_table,
    index_changes,
    index_ranks,
    lost_points,
    most_to_gain,
    rank_units,
    self_vs_appraised,
)
from metrics.select import row_where, rows_where
from metrics.tables import filter_view
from views._auth import current_user, is_uploader
from views._internal import (
    editions,
    load,
    previous_edition,
    previous_ranking,
    publish_controls,
)
from views._shared import (
    chart,
    current_lang,
    metric,
    query_choice,
    query_codes,
    query_text,
    set_query,
    store,
)

# Inputs
lang = current_lang()
s = store()
uploader = is_uploader()
st.title(t("internal.title", lang))
st.caption(t("internal.caption", lang))
flash = st.session_state.pop("internal_flash", None)
if flash:
    st.success(flash)
eds = editions(s, uploader)
if not eds:
    st.info(t("internal.none", lang))
    st.stop()
titles = {e.assessment_key: e.title for e in eds}
c1, c2 = st.columns([3, 1])
key = query_choice(
    "assessment", list(titles), c1, t("internal.assessment", lang), fmt=titles.__getitem__
)
years = [e.year for e in eds if e.assessment_key == key]
year = query_choice("year", years, c2, t("internal.year", lang), cast=int)
info = next(e for e in eds if e.assessment_key == key and e.year == year)
if not info.published:
    st.warning(t("internal.unpublished", lang, year=year))
if uploader:
    publish_controls(s, info, current_user(), lang)
data = load(s, key, year)
if data is None:
    st.info(t("internal.none", lang))
    st.stop()

# Compute
ranking = rank_units(data.nodes, data.values, data.units, lang)
prev_year, prev_ranking = previous_ranking(s, key, year, uploader, lang)
ranking = change_vs_previous(ranking, prev_ranking)
present = [k for k in UNIT_KINDS if k in set(ranking["unit_kind"])]
f1, f2 = st.columns([2, 1])
kinds = f1.multiselect(
    t("internal.kind", lang),
    present,
    default=query_codes("kind", lambda raw: [k for k in raw.split(",") if k in present]),
    format_func=lambda k: t(f"unit_kind.{k}", lang),
    key="internal_kind",
    placeholder=t("internal.kind_all", lang),
)
query = f2.text_input(t("internal.search", lang), value=query_text("q"), key="internal_q")
set_query("kind", ",".join(kinds))
set_query("q", query)
shown = filter_view(ranking, kinds, query, key=unit_key, group_col="unit_kind", name_col="unit")
codes = list(ranking["unit_code"])
names = dict(zip(ranking["unit_code"], ranking["unit"], strict=True))

# Draw: the ranking
st.caption(t("internal.count", lang, n=len(shown), total=len(ranking)))
table = pd.DataFrame(
    {
        t("internal.col.rank", lang): [fmt_rank(r, None, lang) for r in shown["rank"]],
        t("internal.col.unit", lang): shown["unit"],
        t("internal.col.kind", lang): [
            t(f"unit_kind.{k}", lang) if isinstance(k, str) else "–" for k in shown["unit_kind"]
        ],
        t("internal.col.score", lang): [fmt_num(x, lang, 2) for x in shown["score"]],
        t("internal.col.self", lang): [fmt_num(x, lang, 2) for x in shown["self_score"]],
        t("internal.col.max", lang): [fmt_num(x, lang, 2) for x in shown["max_points"]],
    }
)
if prev_year is not None:
    table[t("internal.col.change", lang, year=prev_year)] = [
        f"{fmt_num(c, lang, 2, signed=True)} ({fmt_rank_change(r, lang)})"
        for c, r in zip(shown["score_change"], shown["rank_change"], strict=True)
    ]
unit = query_choice("unit", codes, st, t("internal.unit", lang), fmt=names.__getitem__)
stem = f"{key}_{year}"
chart(
    units_bar(shown, t("internal.chart_title", lang, title=info.title, year=year), lang, unit),
    "internal_chart",
    data=table,
    name=stem,
)
st.dataframe(table, hide_index=True, width="stretch")

# Draw: one unit's profile
st.header(t("internal.profile", lang))
row = row_where(ranking, unit_code=unit)
crit = criteria_table(data.nodes, data.values, unit, lang)
mains = criteria_table(data.nodes, data.values, unit, lang, which="top")
per_index = index_ranks(data.nodes, data.values, data.units, lang)
mains["rank"] = mains["code"].map(rows_where(per_index, unit_code=unit).set_index("code")["rank"])
k1, k2, k3 = st.columns(3)
metric(k1, t("internal.kpi.score", lang), fmt_num(row["score"], lang, 2))
metric(k2, t("internal.kpi.rank", lang), fmt_rank(row["rank"], row["n"], lang))
metric(k3, t("internal.kpi.self", lang), fmt_num(row["self_score"], lang, 2))
lost = lost_points(crit)


def _criteria(df: pd.DataFrame, extra: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            t("internal.col.code", lang): df["code"],
            t("internal.col.criterion", lang): df["label"],
        }
    )
    for col, label in extra.items():
        out[t(label, lang)] = [fmt_num(x, lang, 2, signed=col == "gap") for x in df[col]]
    return out


chart(
    lost_points_bar(lost, t("internal.lost_title", lang, unit=names[unit]), lang),
    "internal_lost",
    data=_criteria(
        lost,
        {
            "max_points": "internal.col.max",
            "score": "internal.col.score",
            "lost": "internal.col.lost",
        },
    ),
    name=f"{stem}_{unit}_lost",
)
gaps = self_vs_appraised(crit)
if gaps.empty:
    st.info(t("internal.no_gap", lang))
else:
    chart(
        gap_bar(gaps, t("internal.gap_title", lang, unit=names[unit]), lang),
        "internal_gap",
        data=_criteria(
            gaps,
            {
                "self_score": "internal.col.self",
                "score": "internal.col.appraised",
                "gap": "internal.col.gap",
            },
        ),
        name=f"{stem}_{unit}_gap",
    )
st.subheader(t("internal.main_title", lang))
main_table = _criteria(
    mains,
    {
        "max_points": "internal.col.max",
        "score": "internal.col.score",
        "lost": "internal.col.lost",
    },
)
main_table[t("internal.col.rank", lang)] = [fmt_rank(r, row["n"], lang) for r in mains["rank"]]
prev = previous_edition(s, key, year, uploader)
if prev is not None:
    moved = index_changes(data.nodes, data.values, prev.nodes, prev.values, unit)
    main_table[t("internal.col.change", lang, year=prev.year)] = [
        fmt_num(moved.get(c), lang, 2, signed=True) for c in mains["code"]
    ]
st.dataframe(main_table, hide_index=True, width="stretch")
st.subheader(t("internal.to_gain", lang))
st.dataframe(
    _criteria(most_to_gain(crit), {"max_points": "internal.col.max", "lost": "internal.col.lost"}),
    hide_index=True,
    width="stretch",
)
