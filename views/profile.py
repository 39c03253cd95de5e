"""Hồ sơ tỉnh / Province profile: one province, every question of the committee."""

import pandas as pd
import streamlit as st

from charts.deck import adjacent_lines
from charts.profile import interval, ladder, matrix, radar, waterfall
from charts.trajectory import rank_path, score_spread
from i18n import fmt_int, fmt_num, fmt_rank, fmt_step, t
from metrics.official import figure_is_illustrative, scores_complete, values_illustrative
from metrics.profile import build_profile
from metrics.profile_views import adjacent, index_matrix, radar_frame, rank_ladder
from metrics.select import row_where
from metrics.target import slider_steps, what_if
from metrics.trajectory import field_scores, trajectory
from metrics.uncertainty import edition_rank_intervals
from views._shared import (
    MARK_STYLE,
    chart,
    current_lang,
    dataset,
    editions_of,
    home,
    illustrative_mark,
    memo,
    metric,
    official_mode,
    pro_forma_label,
    pro_forma_note,
    provenance_table,
    published_table,
    query_choice,
    query_int,
    set_query,
    unit_names,
    unit_set_choice,
)

# Inputs
lang = current_lang()
ds = dataset()
prov = provenance_table()
st.title(t("profile.title", lang))
# widths: the unit-set label shown whole at 1366 px (tests/test_e2e_rankings_projector.py)
c1, c2, c3, c4 = st.columns([1.3, 2, 0.8, 0.9])
unit_set = unit_set_choice(ds, c2, lang)
names = unit_names(ds, unit_set, lang)
home_code = home().code(unit_set)
codes = sorted(names, key=lambda c: (c != home_code, names[c]))
code = query_choice("province", codes, c1, t("profile.province", lang), fmt=names.get)
editions = editions_of(ds, unit_set, None)[::-1]
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
        value=query_int("target", 10, 1, len(names)),
    )
)
set_query("target", str(target_rank))
fw = ds.frameworks[edition]
labels = {i.code: i.label(lang) for i in fw.indicators}


# Compute (each piece once per data version and inputs in the process: views._shared.memo)
official = official_mode()
# The Monte Carlo depends on the edition and unit set only: run once, shared by the profile.
iv = memo(
    ds, "intervals", (edition, unit_set), lambda: edition_rank_intervals(ds.scores, fw, unit_set)
)
try:
    p = memo(
        ds,
        "profile",
        (code, edition, unit_set, target_rank, lang),
        lambda: build_profile(
            ds,
            code,
            edition,
            unit_set,
            target_rank=target_rank,
            lang=lang,
            names=names,
            intervals=iv,
        ),
    )
except KeyError:
    st.warning(t("official.no_data" if official else "present.no_data", lang))
    st.stop()
head_marked = memo(
    ds,
    "head_marked",
    (edition, unit_set, code),
    lambda: figure_is_illustrative(prov, published_table(), edition, unit_set, code),
)
body_marked = memo(
    ds,
    "body_marked",
    (unit_set, edition),
    lambda: values_illustrative(ds.values, unit_set, edition),
)
province = p["province"]
traj = memo(ds, "traj", (code, unit_set), lambda: trajectory(ds.ranked, prov, code, unit_set))
field = memo(ds, "field", (unit_set,), lambda: field_scores(ds.ranked, prov, unit_set))
mat = memo(ds, "matrix", (code, unit_set), lambda: index_matrix(ds.ranked, code, unit_set))
main = [i for i in fw.inputs]
rad = memo(
    ds,
    "radar",
    (edition, unit_set, code),
    lambda: radar_frame(ds.ranked, edition, unit_set, code, main),
)
steps = memo(
    ds, "ladder", (edition, unit_set, code), lambda: rank_ladder(ds.ranked, edition, unit_set, code)
)
fig_key = (code, edition, unit_set, lang)

# Draw
if official:
    st.info(t("official.on_note", lang))
st.html(MARK_STYLE)
st.subheader(t("profile.headline", lang, province=province, year=edition))
if head_marked:
    illustrative_mark(key="head")
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
metric(
    k3,
    t("col.tier", lang),
    # short enough for the card at 1366 px ("Nhóm 1 (cao nhất)" was cut); the help says more
    "–" if p["tier"] is None else t("profile.tier_card", lang, tier=fmt_int(p["tier"], lang)),
    help=None if p["tier"] is None else t("deck.tier_line", lang, tier=p["tier"]),
)
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

# The sections are tabs, and only the open one is built and sent (choosing a tab reruns
# the page): the headline and the history come first, the rest on demand.
SECTIONS = {
    "history": "profile.history",
    "strengths": "profile.strengths_title",
    "why": "profile.why_title",
    "climb": "profile.climb_title",
    "uncertainty": "profile.uncertainty_title",
}
tabs = dict(
    zip(
        SECTIONS,
        st.tabs([t(k, lang) for k in SECTIONS.values()], on_change="rerun", key="profile_tab"),
        strict=True,
    )
)
if tabs["history"].open:
    with tabs["history"]:
        h1, h2 = st.columns([3, 2])
        with h1:
            chart(
                memo(
                    ds,
                    "p_spread",
                    fig_key,
                    lambda: score_spread(field, traj, names, province, lang),
                ),
                "p_spread",
                traj,
            )
        with h2:
            chart(
                memo(ds, "p_rank", fig_key, lambda: rank_path(traj, province, lang)), "p_rank", traj
            )


if tabs["strengths"].open:
    with tabs["strengths"]:
        chart(
            memo(
                ds,
                "p_matrix",
                fig_key,
                lambda: matrix(
                    mat,
                    labels,
                    [*fw.inputs, "gov", "econ", "soc", "dti"]
                    if "gov" not in fw.inputs
                    else [*fw.inputs, "dti"],
                    lang,
                ),
            ),
            "p_matrix",
            mat,
        )

        if body_marked:
            illustrative_mark(key="strengths")
        s1, s2 = st.columns(2)
        s1.markdown("**" + t("profile.strengths", lang) + "**")
        for col, inds in ((s1, p["strengths"]), (s2, p["weaknesses"])):
            if col is s2:
                s2.markdown("**" + t("profile.weaknesses", lang) + "**")
            # ordered as the profile ranks them (largest gap to the overall rank first), each
            # with its own rank
            for ind in inds:
                rank = (p["main_indices"].get(ind) or p["pillars"].get(ind) or {}).get("rank")
                col.markdown(
                    "- "
                    + t(
                        "deck.index_rank",
                        lang,
                        index=labels[ind],
                        rank=fmt_rank(rank, p["n"], lang),
                    )
                )
        chart(
            memo(ds, "p_radar", fig_key, lambda: radar(rad, labels, province, lang)), "p_radar", rad
        )


if tabs["why"].open:
    with tabs["why"]:
        if body_marked:
            illustrative_mark(key="why")
        y = p["yoy"]
        if y["prev_edition"] is None:
            st.info(t("profile.no_previous", lang))
        elif not y["comparable"]:
            st.warning(t("profile.not_comparable", lang, prev=y["prev_edition"], year=edition))
        elif all(v is None for v in y["contributions"].values()):
            st.info(t("official.no_split", lang))
        else:
            prev_score = (p["dti"] or 0) - (y["dti_change"] or 0)
            chart(
                memo(
                    ds,
                    "p_waterfall",
                    fig_key,
                    lambda: waterfall(
                        y["contributions"],
                        y["rounding"],
                        prev_score,
                        p["dti"],
                        labels,
                        y["prev_edition"],
                        edition,
                        lang,
                    ),
                ),
                "p_waterfall",
                pd.DataFrame(
                    {
                        "indicator": list(y["contributions"]),
                        "points": list(y["contributions"].values()),
                    }
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


if tabs["climb"].open:
    with tabs["climb"]:
        g = p["target"]
        complete = memo(
            ds,
            "complete",
            (edition, unit_set),
            lambda: scores_complete(ds.ranked, edition, unit_set),
        )
        if not complete:
            # official-only view with partial scores: no score for a rank can be worked out
            st.info(t("official.no_target", lang))
        elif g["reached"]:
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
                if fw.assumed:
                    st.caption(t("profile.plan_assumed", lang, year=edition))
        if complete:
            if len(steps):
                chart(
                    memo(ds, "p_ladder", fig_key, lambda: ladder(steps, p["dti"], names, lang)),
                    "p_ladder",
                    steps,
                )
            near = memo(
                ds,
                "adjacent",
                (edition, unit_set, code),
                lambda: adjacent(ds.ranked, edition, unit_set, code),
            )
            for line in adjacent_lines(near, names, lang):
                st.markdown(f"- {line}")
        st.caption(
            t(
                "profile.gaps_leader",
                lang,
                leader=fmt_num(p["gap_to_leader"], lang),
                median=fmt_num(p["diff_to_median"], lang, signed=True),
            )
        )

        # Lazy: the sliders and the what-if ranking run only while the expander is open.
        whatif = st.expander(t("profile.whatif_title", lang), on_change="rerun", key="whatif_open")
        with whatif:
            st.caption(t("profile.whatif_help", lang))
            if whatif.open:
                current = {
                    i: p["main_indices"][i]["score"]
                    if i in p["main_indices"]
                    else p["pillars"][i]["score"]
                    for i in fw.inputs
                }
                cols = st.columns(2)
                edits = {}
                for n, ind in enumerate(fw.inputs):
                    # a select slider: its values pass through our formatter (decimal comma in
                    # Vietnamese), in steps of 0.01 plus the current value itself
                    edits[ind] = cols[n % 2].select_slider(
                        labels[ind],
                        options=slider_steps(current[ind]),
                        value=float(current[ind] or 0.0),
                        format_func=lambda v: fmt_step(v, lang),
                        key=f"wi_{edition}_{code}_{ind}_{lang}",
                    )
                res = memo(
                    ds,
                    "what_if",
                    (edition, unit_set, code, tuple(edits.items())),
                    lambda: what_if(
                        ds.values,
                        ds.frameworks,
                        ds.units_of(unit_set),
                        edition,
                        unit_set,
                        {code: edits},
                    ),
                )
                me = row_where(res, province_code=code, indicator="dti")
                st.metric(
                    t("profile.whatif_result", lang),
                    fmt_rank(me["rank"], me["n"], lang),
                    delta=fmt_num(me["score"], lang),
                )


if tabs["uncertainty"].open:
    with tabs["uncertainty"]:
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
            with st.expander(t("profile.method_click", lang)):
                st.markdown(t("profile.interval_method", lang))
            chart(
                memo(ds, "p_interval", fig_key, lambda: interval(iv, code, names, lang)),
                "p_interval",
                iv,
            )
