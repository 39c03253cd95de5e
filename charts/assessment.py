"""Figures of the province's own assessments: units ranked, a unit's lost points and its
self-assessment against the appraisal (points, formatted per language)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import HOME, LEADER, MEDIAN, OTHERS, apply
from i18n import fmt_num, t


def _pts(x: float, lang: str) -> str:
    return fmt_num(x, lang, decimals=2)


def units_bar(
    ranking: pd.DataFrame, title: str, lang: str, highlight: str | None = None
) -> go.Figure:
    """Horizontal bars of final points, best at the top; the maximum as the axis end; a
    highlighted unit in the home colour. ``ranking`` is ``metrics.assessment.rank_units``
    output (unit, unit_code, score, rank, max_points)."""
    v = ranking.dropna(subset=["score"]).iloc[::-1]
    colours = [HOME if c == highlight else MEDIAN for c in v["unit_code"]]
    fig = go.Figure(
        go.Bar(
            x=v["score"],
            y=[f"{int(r)}. {u}" for r, u in zip(v["rank"], v["unit"], strict=True)],
            orientation="h",
            marker=dict(color=colours),
            text=[_pts(s, lang) for s in v["score"]],
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    top = float(ranking["max_points"].max()) if len(ranking) else 1.0
    fig.update_xaxes(title=t("internal.points", lang), range=[0, top * 1.08])
    fig.update_yaxes(automargin=True, tickfont=dict(size=12))
    return apply(
        fig, title, lang, source=t("internal.source", lang), height=max(380, 34 * len(v) + 170)
    )


def lost_points_bar(table: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """Per criterion: final points and the points lost up to the maximum, stacked."""
    v = table.iloc[::-1]
    labels = [f"{c} {lab[:48]}" for c, lab in zip(v["code"], v["label"], strict=True)]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=v["score"],
            y=labels,
            orientation="h",
            name=t("internal.scored", lang),
            marker=dict(color=LEADER),
            customdata=[_pts(x, lang) for x in v["score"]],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=v["lost"],
            y=labels,
            orientation="h",
            name=t("internal.lost", lang),
            marker=dict(color=HOME),
            text=[_pts(x, lang) if x > 0 else "" for x in v["lost"]],
            textposition="inside",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("internal.points", lang))
    fig.update_yaxes(automargin=True, tickfont=dict(size=11))
    return apply(
        fig, title, lang, source=t("internal.source", lang), height=max(380, 26 * len(v) + 190)
    )


def gap_bar(table: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """Self-assessed minus appraised points per criterion (positive = over-claimed)."""
    v = table.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=v["gap"],
            y=[f"{c} {lab[:48]}" for c, lab in zip(v["code"], v["label"], strict=True)],
            orientation="h",
            marker=dict(color=[HOME if g > 0 else OTHERS for g in v["gap"]]),
            text=[fmt_num(g, lang, decimals=2, signed=True) for g in v["gap"]],
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(title=t("internal.gap_axis", lang), zeroline=True)
    fig.update_yaxes(automargin=True, tickfont=dict(size=11))
    return apply(
        fig, title, lang, source=t("internal.source", lang), height=max(320, 28 * len(v) + 190)
    )
