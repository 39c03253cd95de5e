"""Tổng quan / Overview: the home province (DTI_HOME_PROVINCE) edition by edition."""

import pandas as pd
import streamlit as st

from charts.trajectory import rank_path, score_spread
from i18n import fmt_int, fmt_num, fmt_pct, fmt_rank, t
from metrics.editions import last_shared_row
from metrics.official import figure_is_illustrative
from metrics.overview import headline
from metrics.provenance import illustrative_share, shown_kind_counts
from metrics.trajectory import after_series, field_scores, trajectory
from views._shared import (
    MARK_STYLE,
    chart,
    current_lang,
    dataset,
    home,
    illustrative_mark,
    memo,
    metric,
    official_mode,
    provenance_table,
    published_table,
    shown_table,
)

# Inputs
lang = current_lang()
ds = dataset()
prov = provenance_table()
H = home()
code = H.code63
province = H.name("63")

# Compute (once per data version, home province and language: views._shared.memo)


def _compute() -> dict:
    traj = memo(ds, "traj", (code, "63"), lambda: trajectory(ds.ranked, prov, code, "63"))
    merged = memo(ds, "traj", (H.code34, "34"), lambda: trajectory(ds.ranked, prov, H.code34, "34"))
    head = headline(traj, ds.yoy, code, "63")
    # The first page leads with the latest edition: once an edition exists only for the 34
    # merged units (2025), that is the successor ranked among 34, the 63-unit series before it.
    head34 = headline(merged, ds.yoy, H.code34, "34")
    lead34 = head34 is not None and (head is None or head34.edition > head.edition)
    if lead34:
        head, traj_head, code_head, unit_head = head34, merged, H.code34, "34"
    else:
        traj_head, code_head, unit_head = traj, code, "63"
    n_ill, n_all = illustrative_share(ds.values)
    units = ds.units_of("63")
    return {
        "traj": traj,
        "merged": merged,
        "field": memo(ds, "field", ("63",), lambda: field_scores(ds.ranked, prov, "63")),
        "names": dict(zip(units["province_code"], units["name"], strict=True)),
        "head": head,
        "lead34": lead34,
        "traj_head": traj_head,
        "row34": last_shared_row(merged, traj),
        "n_ill": n_ill,
        "n_all": n_all,
        "kinds": shown_kind_counts(prov),
        "head_marked": head is not None
        and figure_is_illustrative(prov, published_table(), head.edition, unit_head, code_head),
        "table": shown_table(ds, "overview_table", (code, lang), lambda: _table(traj)),
    }


def _table(traj: pd.DataFrame) -> pd.DataFrame:
    return traj.assign(
        **{
            t("col.edition", lang): traj["edition"].astype(str),
            t("col.rank", lang): [
                fmt_rank(r, n, lang) for r, n in zip(traj["rank"], traj["n"], strict=True)
            ],
            t("col.score", lang): [fmt_num(s, lang) for s in traj["score"]],
            t("col.provenance", lang): [t(f"prov.{k}", lang) if k else "–" for k in traj["kind"]],
        }
    )[
        [
            t("col.edition", lang),
            t("col.rank", lang),
            t("col.score", lang),
            t("col.provenance", lang),
        ]
    ]


v = memo(ds, "overview", (code, H.code34, lang), _compute)
traj, merged, field, names = v["traj"], v["merged"], v["field"], v["names"]
head, lead34, traj_head, row34 = v["head"], v["lead34"], v["traj_head"], v["row34"]
n_ill, n_all, kinds = v["n_ill"], v["n_all"], v["kinds"]

# Draw
st.title(t("overview.title", lang, home=province))
editions = traj["edition"].tolist()
st.caption(t("overview.caption", lang, first=min(editions), last=max(editions)))
if n_ill:
    st.warning(
        t(
            "banner.illustrative",
            lang,
            n=fmt_num(n_ill, lang, 0),
            total=fmt_num(n_all, lang, 0),
            share=fmt_pct(n_ill / n_all, lang),
        ),
        icon="ℹ️",
    )
else:
    st.info(t("banner.all_official", lang))
st.caption(
    t(
        "banner.kinds",
        lang,
        total=fmt_int(sum(kinds.values()), lang),
        **{k.replace("-", "_"): fmt_int(n, lang) for k, n in kinds.items()},
    )
)

if official_mode():
    st.info(t("official.on_note", lang))
st.html(MARK_STYLE)
if lead34:
    st.info(
        t(
            "overview.lead_34",
            lang,
            successor=H.name("34"),
            home=province,
            year=head.edition,
            first=min(traj["edition"]),
            last=max(traj["edition"]),
        )
    )
if v["head_marked"]:
    illustrative_mark(key="kpi")
c1, c2, c3 = st.columns(3)
if head is None:
    metric(c1, t("kpi.rank", lang, year="–"), t("kpi.no_data", lang))
else:
    metric(
        c1,
        t("kpi.rank", lang, year=head.edition),
        fmt_rank(head.rank, head.n, lang),
        delta=None
        if head.rank_change is None
        else t("kpi.rank_delta", lang, delta=fmt_int(head.rank_change, lang, signed=True)),
    )
    metric(
        c2,
        t("kpi.score", lang, year=head.edition),
        fmt_num(head.score, lang),
        delta=None if head.score_change is None else fmt_num(head.score_change, lang, signed=True),
        help=None if head.comparable else t("kpi.not_comparable", lang),
    )
    median = traj_head.loc[traj_head["edition"] == head.edition, "median"].iloc[0]
    metric(
        c3,
        t("kpi.median", lang, year=head.edition),
        fmt_num(median, lang),
        delta=t("kpi.vs_median", lang, delta=fmt_num(head.score - median, lang, signed=True)),
        delta_color="off",
    )

left, right = st.columns([3, 2])
with left:
    chart(
        memo(
            ds, "o_spread", (code, lang), lambda: score_spread(field, traj, names, province, lang)
        ),
        "score_spread",
        field,
    )
with right:
    chart(
        memo(
            ds,
            "o_rank",
            (code, lang, lead34),
            lambda: rank_path(
                traj,
                province,
                lang,
                later=after_series(merged, traj) if lead34 else None,
                later_name=H.name("34"),
            ),
        ),
        "rank_path",
        traj,
    )

if row34 is not None:
    row = row34
    st.info(
        t(
            "overview.merger_note",
            lang,
            home=province,
            successor=H.name("34"),
            rank=int(row["rank"]),
            score=fmt_num(row["score"], lang),
        )
    )

st.subheader(t("overview.table_title", lang))
st.dataframe(v["table"], hide_index=True, width="stretch")
