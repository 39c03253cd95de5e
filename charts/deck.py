"""The Digital Transformation Day deck as pure slide specs, drawn from a ``DeckData``.

``draw`` turns the record ``app.deck.deck_data`` built from the dataset and the metrics
into slides, one function per slide: every number on a slide is a formatted value of
the record, never computed here (this module imports nothing from ``metrics``). The page,
the PPTX export and the CLI all draw from the same list, so they cannot disagree.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go

from charts.compare import bump
from charts.method import provenance_bars, share_lines
from charts.profile import ladder, matrix, radar, waterfall
from charts.theme import PILLAR_COLOURS, apply
from charts.trajectory import rank_path, score_spread
from domain.deck import DeckData, DeckSource, InternalData
from domain.framework import PILLARS
from i18n import fmt_int, fmt_num, fmt_rank, t

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


class _Part(NamedTuple):
    """A slide before its number, footer and mark: what one slide function returns."""

    key: str
    title: str
    numbers: list[str]
    figure: go.Figure
    notes: str
    data: pd.DataFrame


def source_line(src: DeckSource, edition: int, lang: str) -> str:
    """The footer: the sources of the unit's own figures and the kind of its DTI."""
    sites = ", ".join(src.sites) if src.sites else t("deck.source_none", lang)
    kind_text = t(f"prov.{src.kind}", lang) if src.kind else "–"
    if src.rank_kind:
        # the rank's own kind (Hải Dương 2021: illustrative score, derived rank)
        rank_kind = t(f"prov.{src.rank_kind}", lang)
        kind_text = t("deck.kind_with_rank", lang, kind=kind_text, rank_kind=rank_kind)
    return t("deck.source", lang, sites=sites, year=edition, kind=kind_text)


def draw(d: DeckData) -> list[Slide]:
    """The 8 DT Day slides of ``d`` (and its internal slide, if any): formatting and
    figures only, every number a value of ``d``."""
    lang = d.lang
    source = source_line(d.source, d.edition, lang)
    out: list[Slide] = []
    for build in (_headline, _trajectory, _pillars, _why, _rivals, _strengths, _target, _method):
        part = build(d)
        notes = part.notes
        if d.illustrative:  # every slide of a deck on illustrative values carries the mark
            notes = f"{t('mark.illustrative', lang)}. {notes}"
        data = part.data.reset_index(drop=True)
        out.append(
            Slide(len(out) + 1, part.key, part.title, part.numbers, part.figure, source, notes,
                  data, d.illustrative)
        )  # fmt: skip
    if d.internal is not None:
        out.append(internal_slide(len(out) + 1, d.internal, lang))
    return out


def _change_line(d: DeckData) -> str:
    y, lang = d.profile.yoy, d.lang
    if y.prev_edition is None:
        return t("deck.no_previous", lang)
    rank = fmt_int(y.rank_change, lang, signed=True)
    if y.dti_change is None:
        return t("deck.change_rank_only", lang, prev=y.prev_edition, rank=rank)
    score = fmt_num(y.dti_change, lang, signed=True)
    return t("deck.change", lang, prev=y.prev_edition, rank=rank, score=score)


def _region_line(d: DeckData) -> str:
    p = d.profile
    rank = fmt_rank(p.region_rank, p.region_n, d.lang)
    return t("deck.region_line", d.lang, region=d.region, rank=rank)


def _headline(d: DeckData) -> _Part:
    p, lang, year = d.profile, d.lang, d.edition
    rank_text = fmt_rank(p.dti_rank, p.n, lang)
    score_text = fmt_num(p.dti, lang)
    change = _change_line(d)
    numbers = [
        t("deck.rank_line", lang, rank=rank_text),
        t("deck.score_line", lang, score=score_text),
        change,
        _region_line(d),
        t("deck.tier_line", lang, tier=p.tier),
    ]
    notes = t("deck.notes.headline", lang, province=p.province, year=year, rank=rank_text,
              score=score_text, change=change)  # fmt: skip
    title = t("deck.headline_title", lang, province=p.province, year=year)
    return _Part("headline", title, numbers, rank_path(d.trajectory, p.province, lang), notes,
                 d.trajectory)  # fmt: skip


def _trajectory(d: DeckData) -> _Part:
    """Since the first edition, against every province."""
    p, lang, year = d.profile, d.lang, d.edition
    tr = p.trend
    first = int(d.trajectory["edition"].min())
    lines = [
        t("deck.median_line", lang, diff=fmt_num(p.diff_to_median, lang, signed=True)),
        t("deck.leader_line", lang, gap=fmt_num(p.gap_to_leader, lang)),
    ]
    if tr is not None:
        lines.insert(
            0, t("deck.best_rank_line", lang, rank=tr.best_rank, year=tr.best_rank_edition)
        )
        if tr.change is not None and tr.first_edition != year:
            change = fmt_num(tr.change, lang, signed=True)
            lines.insert(
                0, t("deck.trend_line", lang, first=tr.first_edition, year=year, change=change)
            )
        if tr.break_in_series:
            lines.append(t("deck.break_line", lang))
    title = (
        t("deck.trajectory_title", lang, first=first, year=year)
        if first != year
        else t("deck.trajectory_title_one", lang, year=year)
    )
    fig = score_spread(d.field, d.trajectory, d.names, p.province, lang)
    notes = t("deck.notes.trajectory", lang, province=p.province, first=first, year=year)
    return _Part("trajectory", title, lines, fig, notes, d.field)


def _pillars(d: DeckData) -> _Part:
    p, lang, labels = d.profile, d.lang, d.labels
    pil, n = p.pillars, p.n
    shown = [k for k in PILLARS if k in pil]
    lines = [
        t("deck.pillar_line", lang, pillar=labels.get(k, k), score=fmt_num(pil[k].score, lang),
          rank=fmt_rank(pil[k].rank, n, lang))
        for k in shown
        if pil[k].score is not None or pil[k].rank is not None
    ] or [t("official.none_line", lang)]  # fmt: skip
    data = pd.DataFrame(
        [{"pillar": k, "score": pil[k].score, "rank": pil[k].rank, "n": n} for k in shown]
    )
    return _Part(
        "pillars",
        t("deck.pillars_title", lang),
        lines,
        pillar_bars(pil, labels, n, d.edition, lang),
        t("deck.notes.pillars", lang, province=p.province, year=d.edition),
        data,
    )


def _why(d: DeckData) -> _Part:
    """Why we moved: the change split by index, or (not comparable, no earlier edition)
    the rank/score matrix that still shows where the province moved."""
    y, lang, labels, year = d.profile.yoy, d.lang, d.labels, d.edition
    moved = [
        t("deck.overtook_us", lang, names=_names(y.overtook_us)),
        t("deck.we_overtook", lang, names=_names(y.we_overtook)),
    ]
    if d.index_matrix is None:
        fig = waterfall(y.contributions, y.rounding, d.prev_score, d.profile.dti, labels,
                        y.prev_edition, year, lang)  # fmt: skip
        items = "; ".join(
            f"{labels.get(k, k)} {fmt_num(v, lang, signed=True)}" for k, v in d.top_contributions
        )
        lines = [
            t("deck.top_contributions", lang, items=items),
            t("deck.own_effect", lang, own=fmt_int(y.own_effect, lang, signed=True),
              others=fmt_int(y.others_effect, lang, signed=True)),
            *moved,
        ]  # fmt: skip
        data = pd.DataFrame(
            {"indicator": list(y.contributions), "contribution": list(y.contributions.values())}
        )
        notes = t("deck.notes.why", lang, prev=y.prev_edition, year=year)
        return _Part("why", t("deck.why_title", lang), lines, fig, notes, data)
    fw = d.framework
    order = [*fw.inputs, *[c for c in PILLARS if c not in fw.inputs], "dti"]
    msg = (
        t("deck.no_previous", lang)
        if y.prev_edition is None
        else t("official.no_split", lang)
        if y.comparable
        else t("profile.not_comparable", lang, prev=y.prev_edition, year=year)
    )
    lines = [msg, *moved] if y.prev_edition is not None else [msg]
    fig = matrix(d.index_matrix, labels, order, lang)
    return _Part("why", t("deck.why_title", lang), lines, fig, msg, d.index_matrix)


def _rivals(d: DeckData) -> _Part:
    """Neighbours in rank and the leaders of the region."""
    p, lang, region = d.profile, d.lang, d.region
    lines = [
        t("deck.above_line", lang, names=_names(p.peers.above[:2])),
        t("deck.below_line", lang, names=_names(p.peers.below[:2])),
        t("deck.region_leaders", lang, region=region, names=_names(p.peers.region[:2])),
        _region_line(d),
    ]
    return _Part(
        "rivals",
        t("deck.rivals_title", lang, region=region),
        lines,
        bump(d.peer_paths, d.names, d.code, lang),
        t("deck.notes.rivals", lang, province=p.province, region=region),
        d.peer_paths,
    )


def _strengths(d: DeckData) -> _Part:
    p, lang = d.profile, d.lang

    def ranked_label(ind: str) -> str:
        m = p.main_indices.get(ind) or p.pillars.get(ind) or {}
        rank = fmt_rank(m.get("rank"), p.n, lang)
        return t("deck.index_rank", lang, index=d.labels.get(ind, ind), rank=rank)

    lines = [
        t("deck.strengths_line", lang, names=_names([ranked_label(i) for i in p.strengths])),
        t("deck.weaknesses_line", lang, names=_names([ranked_label(i) for i in p.weaknesses])),
    ]
    return _Part(
        "strengths",
        t("deck.strengths_title", lang),
        lines,
        radar(d.radar, d.labels, p.province, lang),
        t("deck.notes.strengths", lang, rank=fmt_rank(p.dti_rank, p.n, lang)),
        d.radar,
    )


def _target_lines(d: DeckData) -> list[str]:
    g, lang = d.profile.target, d.lang
    if not d.scores_complete:
        # the official scores of this edition are partial: a score for a rank cannot be
        # worked out from them
        return [t("official.no_target", lang)]
    if g.reached:
        return [t("profile.target_reached", lang, rank=g.rank)]
    lines = [
        t("deck.target_line", lang, rank=g.rank, score=fmt_num(g.score, lang),
          gap=fmt_num(g.gap, lang), holder=g.kth_province or "–")
    ]  # fmt: skip
    if g.plan:
        plan = "; ".join(f"{d.labels.get(i, i)} +{fmt_num(v, lang)}" for i, v in g.plan.items())
        lines.append(t("deck.plan_line", lang, plan=plan))
    if g.feasible is False:
        lines.append(t("deck.infeasible", lang))
    return lines


def _target(d: DeckData) -> _Part:
    """What it takes to reach the target rank."""
    g, lang = d.profile.target, d.lang
    lines = _target_lines(d)
    if d.adjacent is not None:
        lines += adjacent_lines(d.adjacent, d.names, lang)
    return _Part(
        "target",
        t("deck.target_title", lang, rank=g.rank),
        lines,
        ladder(d.ladder, d.profile.dti, d.names, lang),
        t("deck.notes.target", lang, rank=g.rank),
        d.ladder,
    )


def _method(d: DeckData) -> _Part:
    """Sources and method."""
    fw, lang, year = d.framework, d.lang, d.edition
    lines = share_lines(d.own_shares, year, lang) if d.own_shares is not None else []
    points = fmt_int(fw.total_points, lang)
    lines.append(t("deck.framework_line", lang, year=year, n=len(fw.inputs), points=points))
    if fw.assumed:
        lines.append(t("deck.assumed_line", lang, year=year))
    lines.append(t("deck.method_line", lang))
    return _Part(
        "method",
        t("deck.method_title", lang),
        lines,
        provenance_bars(d.shares, lang),
        t("deck.notes.method", lang, basis=fw.basis),
        d.shares,
    )


# --------------------------------------------------------------------------- optional slide

INTERNAL_SLIDE_KEY = "internal"  # optional, after SLIDE_KEYS (not part of the 8)


def internal_slide(number: int, d: InternalData, lang: str = "vi") -> Slide:
    """The province's own ranking of its departments/communes on one slide: the top and
    bottom units as bars, and the biggest gains on the previous edition when the two
    editions are comparable (``app.deck.internal_data`` prepares ``d``)."""
    from charts.assessment import units_bar

    pts = lambda x: fmt_num(x, lang, decimals=2)  # noqa: E731
    lines = [
        t("deck.internal.top", lang, units=_names(d.leaders), score=pts(d.leader_score)),
        t("deck.internal.bottom", lang, unit=d.last_unit, score=pts(d.last_score),
          gap=pts(d.gap)),
    ]  # fmt: skip
    if len(d.gains):
        gains = [
            f"{u} (+{pts(c)})"
            for u, c in zip(d.gains["unit"], d.gains["score_change"], strict=True)
        ]
        lines.append(t("deck.internal.gains", lang, prev=d.prev_year, names=_names(gains)))
    else:
        lines.append(t("deck.internal.no_prev", lang))
    head = t("deck.internal.title", lang, title=d.title, year=d.year)
    fig = units_bar(d.shown, head, lang)
    data = d.shown[["rank", "unit", "score", "self_score", "max_points"]]
    return Slide(
        number,
        INTERNAL_SLIDE_KEY,
        head,
        lines,
        fig,
        t("internal.source", lang),
        t("deck.notes.internal", lang, n=d.n),
        data.reset_index(drop=True),
        False,
    )
