"""Hồ sơ tỉnh / Province profile: one province, every question of the committee."""

import pandas as pd
import streamlit as st

from charts.profile import interval, ladder, matrix, radar, waterfall
from charts.trajectory import rank_path, score_spread
from data.provinces import HOME_CODE
from i18n import fmt_int, fmt_num, fmt_rank, t
from metrics.profile import build_profile
from metrics.profile_views import index_matrix, radar_frame, rank_ladder
from metrics.target import what_if
from metrics.trajectory import field_scores, trajectory
from metrics.uncertainty import edition_rank_intervals
from views._shared import (
    chart,
    current_lang,
    dataset,
    metric,
    pro_forma_label,
    pro_forma_note,
    provenance_table,
    query_choice,
)

# Inputs
lang = current_lang()
ds = dataset()
prov = provenance_table()
st.title(t("profile.title", lang))
c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
unit_set = query_choice(
    "unit", ["63", "34"], c2, t("rankings.unit_set", lang), fmt=lambda u: t(f"unit.{u}", lang)
)
units = ds.units_of(unit_set, lang)
names = dict(zip(units["province_code"], units["name"], strict=True))
codes = sorted(names, key=lambda c: (c != (HOME_CODE if unit_set == "63" else "31"), names[c]))
code = query_choice("province", codes, c1, t("profile.province", lang), fmt=names.get)
editions = sorted(
    {
        int(e)
        for e, u in ds.values[["edition", "unit_set"]].drop_duplicates().itertuples(index=False)
        if u == unit_set
    },
    reverse=True,
)
edition = query_choice(
    "edition",
    editions,
    c3,
    t("rankings.edition", lang),
    cast=int,
    fmt=lambda e: pro_forma_label(ds, e, unit_set, lang),
)
pro_forma_note(ds, edition, unit_set, lang)
target_rank = int(
    c4.number_input(
        t("profile.target", lang),
        min_value=1,
        max_value=len(names),
        key="target",
        value=int(st.query_params.get("target", 10)),
    )
)
st.query_params["target"] = str(target_rank)
fw = ds.frameworks[edition]
labels = {i.code: i.label(lang) for i in fw.indicators}


@st.cache_data(show_spinner=False, max_entries=64)
def _profile(version: str, code: str, edition: int, unit_set: str, target: int, lang: str):  # noqa: ANN202
    return build_profile(ds, code, edition, unit_set, target_rank=target, lang=lang, names=names)


@st.cache_data(show_spinner=False, max_entries=16)
def _intervals(version: str, edition: int, unit_set: str):  # noqa: ANN202
    return edition_rank_intervals(ds.scores, fw, unit_set)


# Compute
p = _profile(ds.data_version, code, edition, unit_set, target_rank, lang)
province = p["province"]
traj = trajectory(ds.ranked, prov, code, unit_set)
field = field_scores(ds.ranked, prov, unit_set)
mat = index_matrix(ds.ranked, code, unit_set)
main = [i for i in fw.inputs]
rad = radar_frame(ds.ranked, edition, unit_set, code, main)
steps = rank_ladder(ds.ranked, edition, unit_set, code)
iv = _intervals(ds.data_version, edition, unit_set)

# Draw
st.subheader(t("profile.headline", lang, province=province, year=edition))
k1, k2, k3, k4 = st.columns(4)
metric(
    k1,
    t("col.rank", lang),
    fmt_rank(p["dti_rank"], p["n"], lang),
    delta=None
    if p["yoy"]["rank_change"] is None
    else t("kpi.rank_delta", lang, delta=fmt_int(p["yoy"]["rank_change"], lang, signed=True)),
)
metric(
    k2,
    t("col.score", lang),
    fmt_num(p["dti"], lang),
    delta=None
    if p["yoy"]["dti_change"] is None
    else fmt_num(p["yoy"]["dti_change"], lang, signed=True),
)
metric(k3, t("col.tier", lang), f"{p['tier']}/4", help=p["tier_label"])
metric(
    k4,
    t("profile.region_rank", lang),
    fmt_rank(p["region_rank"], p["region_n"], lang),
    help=p["region"],
)
pc = st.columns(3)
for col, pil in zip(pc, ("gov", "econ", "soc"), strict=True):
    if pil in p["pillars"]:
        col.metric(
            labels[pil],
            fmt_num(p["pillars"][pil]["score"], lang),
            help=t("profile.pillar_rank", lang, rank=p["pillars"][pil]["rank"]),
        )
        col.caption(
            t("profile.pillar_rank", lang, rank=fmt_rank(p["pillars"][pil]["rank"], p["n"], lang))
        )
if fw.assumed:
    st.caption(t("rankings.assumed_points", lang))

st.header(t("profile.history", lang))
h1, h2 = st.columns([3, 2])
with h1:
    chart(score_spread(field, traj, names, province, lang), "p_spread", traj)
with h2:
    chart(rank_path(traj, province, lang), "p_rank", traj)
chart(
    matrix(
        mat,
        labels,
        [*fw.inputs, "gov", "econ", "soc", "dti"]
        if "gov" not in fw.inputs
        else [*fw.inputs, "dti"],
        lang,
    ),
    "p_matrix",
    mat,
)

st.header(t("profile.strengths_title", lang))
s1, s2 = st.columns(2)
s1.markdown("**" + t("profile.strengths", lang) + "**")
for ind in p["strengths"]:
    s1.markdown(f"- {labels[ind]}")
s2.markdown("**" + t("profile.weaknesses", lang) + "**")
for ind in p["weaknesses"]:
    s2.markdown(f"- {labels[ind]}")
chart(radar(rad, labels, province, lang), "p_radar", rad)

st.header(t("profile.why_title", lang))
y = p["yoy"]
if y["prev_edition"] is None:
    st.info(t("profile.no_previous", lang))
elif not y["comparable"]:
    st.warning(t("profile.not_comparable", lang, prev=y["prev_edition"], year=edition))
else:
    prev_score = (p["dti"] or 0) - (y["dti_change"] or 0)
    chart(
        waterfall(
            y["contributions"],
            y["rounding"],
            prev_score,
            p["dti"],
            labels,
            y["prev_edition"],
            edition,
            lang,
        ),
        "p_waterfall",
        pd.DataFrame(
            {"indicator": list(y["contributions"]), "points": list(y["contributions"].values())}
        ),
    )
    st.markdown(
        t(
            "profile.decomposition",
            lang,
            own=fmt_int(y["own_effect"], lang, signed=True),
            others=fmt_int(y["others_effect"], lang, signed=True),
        )
    )
    w1, w2 = st.columns(2)
    w1.markdown(
        "**" + t("profile.overtook_us", lang) + "** " + (", ".join(y["overtook_us"]) or "–")
    )
    w2.markdown(
        "**" + t("profile.we_overtook", lang) + "** " + (", ".join(y["we_overtook"]) or "–")
    )

st.header(t("profile.climb_title", lang))
g = p["target"]
if g["reached"]:
    st.success(t("profile.target_reached", lang, rank=target_rank))
else:
    st.markdown(
        t(
            "profile.target_needed",
            lang,
            rank=target_rank,
            score=fmt_num(g["score"], lang),
            gap=fmt_num(g["gap"], lang),
            holder=g["kth_province"] or "–",
        )
    )
    if g["plan"]:
        st.markdown(
            t("profile.plan", lang)
            + " "
            + "; ".join(f"{labels[i]} +{fmt_num(v, lang)}" for i, v in g["plan"].items())
        )
if len(steps):
    chart(ladder(steps, p["dti"], names, lang), "p_ladder", steps)
st.caption(
    t(
        "profile.gaps",
        lang,
        next=fmt_num(p["gap_to_next_rank"], lang),
        leader=fmt_num(p["gap_to_leader"], lang),
        median=fmt_num(p["diff_to_median"], lang, signed=True),
    )
)

with st.expander(t("profile.whatif_title", lang)):
    st.caption(t("profile.whatif_help", lang))
    current = {
        i: p["main_indices"][i]["score"] if i in p["main_indices"] else p["pillars"][i]["score"]
        for i in fw.inputs
    }
    cols = st.columns(2)
    edits = {}
    for n, ind in enumerate(fw.inputs):
        edits[ind] = cols[n % 2].slider(
            labels[ind],
            0.0,
            1.0,
            float(current[ind] or 0.0),
            step=0.01,
            key=f"wi_{edition}_{code}_{ind}",
        )
    res = what_if(ds.values, ds.frameworks, ds.units_of(unit_set), edition, unit_set, {code: edits})
    me = res[(res["province_code"] == code) & (res["indicator"] == "dti")].iloc[0]
    st.metric(
        t("profile.whatif_result", lang),
        fmt_rank(me["rank"], me["n"], lang),
        delta=fmt_num(me["score"], lang),
    )

st.header(t("profile.uncertainty_title", lang))
if p["rank_interval_90"]:
    lo, hi = p["rank_interval_90"]
    st.markdown(
        t(
            "profile.interval_text",
            lang,
            lo=lo,
            hi=hi,
            tied=", ".join(p["statistically_tied"][:8]) or "–",
        )
    )
    chart(interval(iv, code, names, lang), "p_interval", iv)
