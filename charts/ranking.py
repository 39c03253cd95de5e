"""All provinces of one edition as a ranked bar chart."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import HOME, KIND_PATTERN, OTHERS, apply, kind_patterns
from i18n import fmt_num, t

# Projector text: nothing under 18 px on a 1080p screen (issue 17).
LARGE_FONT = 20


def ranking_bars(
    view: pd.DataFrame,
    home_code: str,
    measure_label: str,
    edition: int,
    lang: str,
    large: bool = False,
) -> go.Figure:
    """Horizontal bars, best at the top; the home province in its colour; illustrative
    values drawn with a hatch pattern (legend note), missing values left out. ``large``:
    projector sizes (every label at least ``LARGE_FONT`` px, taller bars)."""
    v = view.dropna(subset=["score"]).iloc[::-1]
    colours = [HOME if c == home_code else OTHERS for c in v["province_code"]]
    patterns = kind_patterns(v["kind"])
    labels = [f"{int(r)}. {p}" for r, p in zip(v["rank"], v["province"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=v["score"],
            y=labels,
            orientation="h",
            marker=dict(color=colours, pattern=dict(shape=patterns, fgcolor="white", size=6)),
            text=[fmt_num(s, lang) for s in v["score"]],
            textposition="outside",
            textfont=dict(size=LARGE_FONT) if large else None,
            customdata=[t(f"prov.{k}", lang) if k else "–" for k in v["kind"]],
            hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    shown = set(v["kind"].dropna())
    for kind in ("derived", "pro-forma", "illustrative"):
        if kind == "illustrative" or kind in shown:
            fig.add_trace(
                go.Bar(
                    x=[None],
                    y=[None],
                    name=t(f"chart.{kind.replace('-', '_')}", lang),
                    marker=dict(
                        color=OTHERS, pattern=dict(shape=KIND_PATTERN[kind], fgcolor="white")
                    ),
                )
            )
    fig.add_trace(
        go.Bar(x=[None], y=[None], name=t("chart.published", lang), marker=dict(color=OTHERS))
    )
    fig.update_xaxes(title=measure_label, range=[0, max(1.0, float(v["score"].max()) + 0.1)])
    fig.update_yaxes(automargin=True, tickfont=dict(size=LARGE_FONT if large else 11))
    height = max(420, (34 if large else 18) * len(v) + 160)
    fig = apply(
        fig,
        t("rankings.chart_title", lang, measure=measure_label, year=edition),
        lang,
        height=height,
    )
    if large:
        big = dict(size=LARGE_FONT)
        fig.update_layout(
            font=big,
            title_font=dict(size=LARGE_FONT + 6),
            title_subtitle_font=big,
            legend_font=big,
            hoverlabel_font=big,
        )
        fig.update_xaxes(tickfont=big, title_font=big)
    return fig
