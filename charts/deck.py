"""The Digital Transformation Day deck as pure slide specs.

``slides`` composes the measures of ``metrics`` (``build_profile`` and the frames behind the
profile charts) with the figure builders of ``charts``: every number on a slide is a
formatted value of a metrics result, never recomputed here. The page, the PPTX export
and the CLI all draw from the same list, so they cannot disagree.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from charts.compare import bump
from charts.method import provenance_bars, share_lines
from charts.profile import ladder, matrix, radar, waterfall
from charts.theme import PILLAR_COLOURS, apply
from charts.trajectory import rank_path, score_spread
from domain.units import region_name
from i18n import fmt_int, fmt_num, fmt_rank, t
from metrics.compare import rank_paths
from metrics.method import provenance_shares, sources
from metrics.official import scores_complete, values_illustrative
from metrics.profile import PILLARS, DatasetLike, build_profile, peers
from metrics.profile_views import adjacent, index_matrix, radar_frame, rank_ladder
from metrics.trajectory import field_scores, trajectory

SLIDE_KEYS: tuple[str, ...] = (
    "headline",
    "trajectory",
    "pillars",
    "why",
    "rivals",
    "strengths",
    "target",
    "method",
)


@dataclass(frozen=True)
class Slide:
    """One slide: what the page shows full-screen and the PPTX export writes."""

    number: int  # 1-based
    key: str  # one of SLIDE_KEYS
    title: str
    numbers: list[str]  # key numbers, one text line each
    figure: go.Figure
    source: str
    notes: str  # speaker notes
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # behind the chart (CSV)
    illustrative: bool = False  # draws on illustrative values: carries the large mark


def projector(fig: go.Figure, height: int = 560, font: int = 20) -> go.Figure:
    """A copy of ``fig`` with type large enough for a hall: no text under ``font`` px
    (titles larger); title and source kept."""
    out = copy.deepcopy(fig)
    out.update_layout(
        height=height,
        font=dict(size=font),
        title=dict(font=dict(size=font + 6), x=0.015, subtitle=dict(font=dict(size=font))),
        legend=dict(font=dict(size=font)),
        margin=dict(t=40 + 3 * font),
        hoverlabel=dict(font=dict(size=font)),
    )
    # Long category labels (pillars, ranks, rotated index names) must not be cut off.
    out.update_xaxes(automargin=True, tickfont=dict(size=font), title_font=dict(size=font))
    out.update_yaxes(automargin=True, tickfont=dict(size=font), title_font=dict(size=font))
    out.update_polars(
        radialaxis=dict(tickfont=dict(size=font)), angularaxis=dict(tickfont=dict(size=font))
    )
    # Every trace text and annotation at least ``font`` px.
    out.update_traces(textfont=dict(size=font), selector=lambda tr: "textfont" in tr)
    for ann in out.layout.annotations or ():
        if ann.font is None or ann.font.size is None or ann.font.size < font:
            ann.font = dict(size=font) if ann.font is None else ann.font.update(size=font)
    return out


def pillar_bars(
    pillars: Mapping[str, Mapping[str, Any]],
    labels: Mapping[str, str],
    n: int,
    year: int,
    lang: str,
) -> go.Figure:
    """The three pillar scores as horizontal bars, each labelled with score and rank."""
    codes = [p for p in PILLARS if p in pillars]
    scores = [pillars[p]["score"] for p in codes]
    text = [
        t("deck.pillar_bar", lang, score=fmt_num(pillars[p]["score"], lang),
          rank=fmt_rank(pillars[p]["rank"], n, lang))
        for p in codes
    ]  # fmt: skip
    fig = go.Figure(go.Bar(
        x=scores, y=[labels.get(p, p) for p in codes], orientation="h", text=text,
        textposition="outside", marker=dict(color=[PILLAR_COLOURS[p] for p in codes]),
        hovertemplate="%{y}: %{text}<extra></extra>", showlegend=False,
    ))  # fmt: skip
    fig.update_xaxes(title=t("chart.score", lang), range=[0, 1])
    fig.update_traces(textposition="auto", cliponaxis=False, insidetextanchor="end")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return apply(fig, t("deck.pillars_chart", lang, year=year), lang, height=420)


def _source_line(prov: pd.DataFrame, code: str, edition: int, unit_set: str, lang: str) -> str:
    """Published sites for the edition and the provenance of the unit's own DTI."""
    part = prov[(prov["edition"] == edition) & (prov["unit_set"] == unit_set)]
    src = sources(part[part["kind"] == "published"])
    found = list(dict.fromkeys(s for s in src["site"] if s))[:3]
    sites = ", ".join(found) if found else t("chart.source_default", lang)
    own = part[(part["province_code"] == code) & (part["indicator"] == "dti")]
    kind = own["kind"].iloc[0] if len(own) and isinstance(own["kind"].iloc[0], str) else None
    kind_text = t(f"prov.{kind}", lang) if kind else "–"
    if "rank_kind" in own and len(own) and isinstance(own["rank_kind"].iloc[0], str):
        # the rank's own kind (Hải Dương 2021: illustrative score, derived rank)
        rank_kind = t(f"prov.{own['rank_kind'].iloc[0]}", lang)
        kind_text = t("deck.kind_with_rank", lang, kind=kind_text, rank_kind=rank_kind)
    return t("deck.source", lang, sites=sites, year=edition, kind=kind_text)


def adjacent_lines(adj: Mapping[str, Any], names: Mapping[str, str], lang: str) -> list[str]:
    """The provinces just above and just below, both margins, and the points to pass the
    one above (the ladder's first step): one text line each."""
    out = []
    if adj["above"]:
        out.append(
            t(
                "deck.above_margin",
                lang,
                names=_names([names.get(c, c) for c in adj["above"]]),
                rank=adj["above_rank"],
                score=fmt_num(adj["above_score"], lang),
                margin=fmt_num(adj["margin_above"], lang),
                gap=fmt_num(adj["to_pass"], lang),
            )
        )
    if adj["tied"]:
        out.append(t("deck.tied_line", lang, names=_names([names.get(c, c) for c in adj["tied"]])))
    if adj["below"]:
        out.append(
            t(
                "deck.below_margin",
                lang,
                names=_names([names.get(c, c) for c in adj["below"]]),
                rank=adj["below_rank"],
                score=fmt_num(adj["below_score"], lang),
                margin=fmt_num(adj["margin_below"], lang),
            )
        )
    return out


def _names(values: list[str]) -> str:
    return ", ".join(values) if values else "–"


def slides(
    ds: DatasetLike,
    prov: pd.DataFrame,
    code: str,
    edition: int,
    lang: str = "vi",
    target: int = 10,
    unit_set: str = "63",
    profile: Mapping[str, Any] | None = None,
) -> list[Slide]:
    """The 8 DT Day slides for unit ``code`` in ``edition``.

    ``prov`` is ``metrics.provenance.provenance`` output; ``profile`` may be passed when
    the caller has already built (and cached) ``build_profile`` with the same arguments.
    """
    edition = int(edition)
    p = (
        dict(profile)
        if profile is not None
        else build_profile(ds, code, edition, unit_set, target_rank=target, lang=lang)
    )
    fw = ds.frameworks[edition]
    labels = {i.code: i.label(lang) for i in fw.indicators}
    units = ds.units[ds.units["unit_set"] == unit_set]
    names = dict(zip(units["province_code"], units["name"], strict=True))
    province = p["province"]
    n = p["n"]
    y = p["yoy"]
    region = region_name(p["region_code"], lang)
    source = _source_line(prov, code, edition, unit_set, lang)
    ranked = ds.ranked[ds.ranked["edition"] <= edition]
    out: list[Slide] = []
    # Every slide of a deck that draws on illustrative values carries the mark.
    marked = values_illustrative(ds.values, unit_set, edition)

    def add(
        key: str, title: str, numbers: list[str], fig: go.Figure, notes: str, data: pd.DataFrame
    ) -> None:
        if marked:
            notes = f"{t('mark.illustrative', lang)}. {notes}"
        out.append(
            Slide(
                len(out) + 1,
                key,
                title,
                numbers,
                fig,
                source,
                notes,
                data.reset_index(drop=True),
                marked,
            )
        )

    rank_text = fmt_rank(p["dti_rank"], n, lang)
    score_text = fmt_num(p["dti"], lang)

    # 1. Headline
    traj = trajectory(ranked, prov, code, unit_set)
    if y["prev_edition"] is None:
        change = t("deck.no_previous", lang)
    elif y["dti_change"] is None:
        change = t(
            "deck.change_rank_only",
            lang,
            prev=y["prev_edition"],
            rank=fmt_int(y["rank_change"], lang, signed=True),
        )
    else:
        change = t(
            "deck.change",
            lang,
            prev=y["prev_edition"],
            rank=fmt_int(y["rank_change"], lang, signed=True),
            score=fmt_num(y["dti_change"], lang, signed=True),
        )
    add(
        "headline",
        t("deck.headline_title", lang, province=province, year=edition),
        [
            t("deck.rank_line", lang, rank=rank_text),
            t("deck.score_line", lang, score=score_text),
            change,
            t(
                "deck.region_line",
                lang,
                region=region,
                rank=fmt_rank(p["region_rank"], p["region_n"], lang),
            ),
            t("deck.tier_line", lang, tier=p["tier"]),
        ],
        rank_path(traj, province, lang),
        t(
            "deck.notes.headline",
            lang,
            province=province,
            year=edition,
            rank=rank_text,
            score=score_text,
            change=change,
        ),
        traj,
    )

    # 2. Trajectory since the first edition, against every province
    field_ = field_scores(ranked, prov, unit_set)
    tr = p["trend"]
    first = int(traj["edition"].min())
    lines = [
        t("deck.median_line", lang, diff=fmt_num(p["diff_to_median"], lang, signed=True)),
        t("deck.leader_line", lang, gap=fmt_num(p["gap_to_leader"], lang)),
    ]
    if tr is not None:
        lines.insert(
            0, t("deck.best_rank_line", lang, rank=tr["best_rank"], year=tr["best_rank_edition"])
        )
        if tr["change"] is not None and tr["first_edition"] != edition:
            lines.insert(
                0,
                t(
                    "deck.trend_line",
                    lang,
                    first=tr["first_edition"],
                    year=edition,
                    change=fmt_num(tr["change"], lang, signed=True),
                ),
            )
        if tr["break_in_series"]:
            lines.append(t("deck.break_line", lang))
    title = (
        t("deck.trajectory_title", lang, first=first, year=edition)
        if first != edition
        else t("deck.trajectory_title_one", lang, year=edition)
    )
    add(
        "trajectory",
        title,
        lines,
        score_spread(field_, traj, names, province, lang),
        t("deck.notes.trajectory", lang, province=province, first=first, year=edition),
        field_,
    )

    # 3. The three pillars
    pil = p["pillars"]
    add(
        "pillars",
        t("deck.pillars_title", lang),
        [
            t(
                "deck.pillar_line",
                lang,
                pillar=labels.get(k, k),
                score=fmt_num(pil[k]["score"], lang),
                rank=fmt_rank(pil[k]["rank"], n, lang),
            )
            for k in PILLARS
            if k in pil and (pil[k]["score"] is not None or pil[k]["rank"] is not None)
        ]
        or [t("official.none_line", lang)],
        pillar_bars(pil, labels, n, edition, lang),
        t("deck.notes.pillars", lang, province=province, year=edition),
        pd.DataFrame(
            [
                {"pillar": k, "score": pil[k]["score"], "rank": pil[k]["rank"], "n": n}
                for k in PILLARS
                if k in pil
            ]
        ),
    )

    # 4. Why we moved
    split = any(v is not None for v in y["contributions"].values())
    if y["prev_edition"] is not None and y["comparable"] and split:
        prev_score = (p["dti"] or 0) - (y["dti_change"] or 0)
        fig = waterfall(
            y["contributions"],
            y["rounding"],
            prev_score,
            p["dti"],
            labels,
            y["prev_edition"],
            edition,
            lang,
        )
        top = sorted(y["contributions"].items(), key=lambda kv: -abs(kv[1] or 0))[:3]
        lines = [
            t(
                "deck.top_contributions",
                lang,
                items="; ".join(
                    f"{labels.get(k, k)} {fmt_num(v, lang, signed=True)}" for k, v in top
                ),
            ),
            t(
                "deck.own_effect",
                lang,
                own=fmt_int(y["own_effect"], lang, signed=True),
                others=fmt_int(y["others_effect"], lang, signed=True),
            ),
            t("deck.overtook_us", lang, names=_names(y["overtook_us"])),
            t("deck.we_overtook", lang, names=_names(y["we_overtook"])),
        ]
        data = pd.DataFrame(
            {
                "indicator": list(y["contributions"]),
                "contribution": list(y["contributions"].values()),
            }
        )
        notes = t("deck.notes.why", lang, prev=y["prev_edition"], year=edition)
    else:
        # Not comparable (or no earlier edition): no split by index; the rank/score
        # matrix still shows where the province moved.
        mat = index_matrix(ranked, code, unit_set)
        order = [*fw.inputs, *[c for c in ("gov", "econ", "soc") if c not in fw.inputs], "dti"]
        fig = matrix(mat, labels, order, lang)
        msg = (
            t("deck.no_previous", lang)
            if y["prev_edition"] is None
            else t("official.no_split", lang)
            if y["comparable"]
            else t("profile.not_comparable", lang, prev=y["prev_edition"], year=edition)
        )
        lines = [msg]
        if y["prev_edition"] is not None:
            lines += [
                t("deck.overtook_us", lang, names=_names(y["overtook_us"])),
                t("deck.we_overtook", lang, names=_names(y["we_overtook"])),
            ]
        data = mat
        notes = msg
    add("why", t("deck.why_title", lang), lines, fig, notes, data)

    # 5. Rivals and peers: neighbours in rank and the leaders of the region
    pe = peers(ds.ranked, edition, unit_set, code)
    codes = list(dict.fromkeys([code, *pe.above[:2], *pe.below[:2], *pe.region[:2]]))
    paths = rank_paths(ranked, prov, codes, unit_set)
    add(
        "rivals",
        t("deck.rivals_title", lang, region=region),
        [
            t("deck.above_line", lang, names=_names(p["peers"]["above"][:2])),
            t("deck.below_line", lang, names=_names(p["peers"]["below"][:2])),
            t("deck.region_leaders", lang, region=region, names=_names(p["peers"]["region"][:2])),
            t(
                "deck.region_line",
                lang,
                region=region,
                rank=fmt_rank(p["region_rank"], p["region_n"], lang),
            ),
        ],
        bump(paths, names, code, lang),
        t("deck.notes.rivals", lang, province=province, region=region),
        paths,
    )

    # 6. Strengths and weaknesses
    rad = radar_frame(ds.ranked, edition, unit_set, code, list(fw.inputs))

    def ranked_label(ind: str) -> str:
        m = p["main_indices"].get(ind) or p["pillars"].get(ind) or {}
        return t(
            "deck.index_rank",
            lang,
            index=labels.get(ind, ind),
            rank=fmt_rank(m.get("rank"), n, lang),
        )

    add(
        "strengths",
        t("deck.strengths_title", lang),
        [
            t("deck.strengths_line", lang, names=_names([ranked_label(i) for i in p["strengths"]])),
            t(
                "deck.weaknesses_line",
                lang,
                names=_names([ranked_label(i) for i in p["weaknesses"]]),
            ),
        ],
        radar(rad, labels, province, lang),
        t("deck.notes.strengths", lang, rank=rank_text),
        rad,
    )

    # 7. What it takes to reach the target rank
    g = p["target"]
    complete = scores_complete(ds.ranked, edition, unit_set)
    steps = rank_ladder(ds.ranked, edition, unit_set, code)
    if not complete:
        steps = steps.iloc[0:0]
    if not complete:
        # the official scores of this edition are partial: a score for a rank cannot be
        # worked out from them
        lines = [t("official.no_target", lang)]
    elif g["reached"]:
        lines = [t("profile.target_reached", lang, rank=g["rank"])]
    else:
        lines = [
            t(
                "deck.target_line",
                lang,
                rank=g["rank"],
                score=fmt_num(g["score"], lang),
                gap=fmt_num(g["gap"], lang),
                holder=g["kth_province"] or "–",
            )
        ]
        if g["plan"]:
            lines.append(
                t(
                    "deck.plan_line",
                    lang,
                    plan="; ".join(
                        f"{labels.get(i, i)} +{fmt_num(v, lang)}" for i, v in g["plan"].items()
                    ),
                )
            )
        if g["feasible"] is False:
            lines.append(t("deck.infeasible", lang))
    if complete:
        lines += adjacent_lines(adjacent(ds.ranked, edition, unit_set, code), names, lang)
    add(
        "target",
        t("deck.target_title", lang, rank=g["rank"]),
        lines,
        ladder(steps, p["dti"], names, lang),
        t("deck.notes.target", lang, rank=g["rank"]),
        steps,
    )

    # 8. Sources and method
    shares = provenance_shares(prov)
    mine = shares[(shares["edition"] == edition) & (shares["unit_set"] == unit_set)]
    lines = share_lines(mine.iloc[0], edition, lang) if len(mine) else []
    lines.append(
        t(
            "deck.framework_line",
            lang,
            year=edition,
            n=len(fw.inputs),
            points=fmt_int(fw.total_points, lang),
        )
    )
    if fw.assumed:
        lines.append(t("deck.assumed_line", lang, year=edition))
    lines.append(t("deck.method_line", lang))
    add(
        "method",
        t("deck.method_title", lang),
        lines,
        provenance_bars(shares, lang),
        t("deck.notes.method", lang, basis=fw.basis),
        shares,
    )
    return out


# --------------------------------------------------------------------------- optional slide

INTERNAL_SLIDE_KEY = "internal"  # optional, after SLIDE_KEYS (not part of the 8)


def internal_slide(
    number: int,
    title: str,
    year: int,
    ranking: pd.DataFrame,
    changes: pd.DataFrame | None,
    lang: str = "vi",
    prev_year: int | None = None,
    n_each: int = 3,
) -> Slide:
    """The province's own ranking of its departments/communes on one slide: the top and
    bottom ``n_each`` units as bars, and the biggest gains on ``prev_year`` when the two
    editions are comparable (``changes`` = ``metrics.assessment.change_vs_previous``
    output, None otherwise). ``ranking`` is ``metrics.assessment.rank_units`` output."""
    from charts.assessment import units_bar
    from metrics.assessment import biggest_gains

    ranked = ranking.dropna(subset=["score"])
    shown = (
        ranked
        if len(ranked) <= 2 * n_each
        else pd.concat([ranked.head(n_each), ranked.tail(n_each)])
    )
    pts = lambda x: fmt_num(x, lang, decimals=2)  # noqa: E731
    first = ranked[ranked["rank"] == ranked["rank"].min()]
    last = ranked.iloc[-1]
    lines = [
        t("deck.internal.top", lang, units=_names(list(first["unit"])), score=pts(first["score"].iloc[0])),
        t("deck.internal.bottom", lang, unit=last["unit"], score=pts(last["score"]),
          gap=pts(first["score"].iloc[0] - last["score"])),
    ]  # fmt: skip
    gains = biggest_gains(changes) if changes is not None else pd.DataFrame()
    gains = gains[gains["score_change"] > 0] if len(gains) else gains
    if len(gains):
        lines.append(
            t(
                "deck.internal.gains",
                lang,
                prev=prev_year,
                names=_names(
                    [
                        f"{u} (+{pts(c)})"
                        for u, c in zip(gains["unit"], gains["score_change"], strict=True)
                    ]
                ),
            )
        )
    else:
        lines.append(t("deck.internal.no_prev", lang))
    head = t("deck.internal.title", lang, title=title, year=year)
    fig = units_bar(shown, head, lang)
    data = shown[["rank", "unit", "score", "self_score", "max_points"]]
    return Slide(
        number,
        INTERNAL_SLIDE_KEY,
        head,
        lines,
        fig,
        t("internal.source", lang),
        t("deck.notes.internal", lang, n=len(ranked)),
        data.reset_index(drop=True),
        False,
    )
