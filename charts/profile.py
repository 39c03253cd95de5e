"""Figures of the province profile: waterfall, ladder, radar, matrix, rank interval."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts.theme import HOME, LEADER, MEDIAN, OTHERS, apply
from i18n import fmt_num, t


def waterfall(
    contributions: Mapping[str, float],
    rounding: float | None,
    start: float,
    end: float,
    labels: Mapping[str, str],
    prev_year: int,
    year: int,
    lang: str,
) -> go.Figure:
    """Last year's DTI -> each main index's contribution (points x change) -> this year's.
    A 'rounding' step closes the chart on the published figures."""
    items = [(labels.get(k, k), v) for k, v in contributions.items() if v is not None]
    if rounding and abs(rounding) >= 0.00005:  # shown only when visible at 4 decimals
        items.append((t("profile.rounding", lang), rounding))
    x = [str(prev_year)] + [k for k, _ in items] + [str(year)]
    y = [start] + [v for _, v in items] + [end]
    measure = ["absolute"] + ["relative"] * len(items) + ["total"]
    text = (
        [fmt_num(start, lang)]
        + [fmt_num(v, lang, signed=True) for _, v in items]
        + [fmt_num(end, lang)]
    )
    fig = go.Figure(
        go.Waterfall(
            x=x,
            y=y,
            measure=measure,
            text=text,
            textposition="outside",
            increasing=dict(marker=dict(color="#009E73")),
            decreasing=dict(marker=dict(color=HOME)),
            totals=dict(marker=dict(color=MEDIAN)),
            connector=dict(line=dict(color="#CBD2D9")),
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    lo = min(start, end) - 0.05
    fig.update_yaxes(title=t("chart.score", lang), range=[max(0, lo), max(start, end) + 0.05])
    fig.update_xaxes(tickangle=-30)
    return apply(
        fig, t("profile.waterfall_title", lang, prev=prev_year, year=year), lang, height=460
    )


def ladder(steps: pd.DataFrame, current: float, names: Mapping[str, str], lang: str) -> go.Figure:
    """Score needed for each better rank, as bars of the gap above the current score."""
    labels = [
        f"{t('profile.ladder_rank', lang, rank=int(r))} · {names.get(h, h)}"
        for r, h in zip(steps["rank"], steps["holder"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=steps["gap"],
            y=labels,
            orientation="h",
            marker=dict(color=HOME),
            text=[
                f"+{fmt_num(g, lang)} → {fmt_num(s, lang)}"
                for g, s in zip(steps["gap"], steps["target_score"], strict=True)
            ],
            textposition="outside",
            customdata=[names.get(h, h) for h in steps["holder"]],
            hovertemplate="%{y}: %{text}<br>"
            + t("profile.ladder_holder", lang)
            + " %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    top = float(steps["gap"].max()) if len(steps) else 0.01
    fig.update_xaxes(title=t("profile.ladder_axis", lang), range=[0, top * 1.5 + 0.002])
    return apply(
        fig, t("profile.ladder_title", lang, score=fmt_num(current, lang)), lang, height=320
    )


def radar(frame: pd.DataFrame, labels: Mapping[str, str], province: str, lang: str) -> go.Figure:
    theta = [labels.get(i, i) for i in frame["indicator"]] + [
        labels.get(frame["indicator"].iloc[0], "")
    ]

    def closed(col: str) -> list[float]:
        v = frame[col].tolist()
        return v + v[:1]

    fig = go.Figure()
    for col, name, colour, dash in (
        ("leader", t("chart.leader", lang), LEADER, "dot"),
        ("region_best", t("profile.region_best", lang), "#CC79A7", "dash"),
        ("mean", t("profile.national_mean", lang), MEDIAN, "dash"),
        ("score", province, HOME, "solid"),
    ):
        fig.add_trace(
            go.Scatterpolar(
                r=closed(col),
                theta=theta,
                name=name,
                mode="lines+markers",
                line=dict(color=colour, dash=dash, width=4 if col == "score" else 2),
                fill="toself" if col == "score" else None,
                opacity=0.9,
                customdata=[fmt_num(v, lang) for v in closed(col)],
                hovertemplate="%{theta}: %{customdata}<extra>" + name + "</extra>",
            )
        )
    # Few radial ticks, drawn between two spokes (not along a spoke's label), and the polar
    # area kept below the title and source.
    between = 90 - 180 / max(len(frame), 1)
    fig.update_layout(
        polar=dict(
            domain=dict(y=[0, 0.84]),
            radialaxis=dict(
                range=[0, 1], tickvals=[0.5, 1.0], tickformat=".1f", angle=between, tickangle=0
            ),
            angularaxis=dict(rotation=90, direction="clockwise"),
        )
    )
    return apply(fig, t("profile.radar_title", lang), lang, height=460)


def matrix(
    frame: pd.DataFrame, labels: Mapping[str, str], order: list[str], lang: str
) -> go.Figure:
    """Indicator x edition heat map of ranks (colour) with scores and ranks as text."""
    inds = [i for i in order if i in set(frame["indicator"])]
    eds = sorted(frame["edition"].unique())
    # The first row of each (indicator, edition), looked up once (not 70 boolean filters).
    cells = {
        (ind, e): (score, rank, n)
        for ind, e, score, rank, n in reversed(
            list(
                zip(
                    *(frame[c] for c in ("indicator", "edition", "score", "rank", "n")), strict=True
                )
            )
        )
    }
    z, text = [], []
    for ind in inds:
        row_z, row_t = [], []
        for e in eds:
            score, rank, n = cells.get((ind, e), (None, None, None))
            if pd.notna(rank):
                row_z.append(float(rank) / float(n))
                row_t.append(f"{fmt_num(score, lang)}<br>#{int(rank)}")
            elif pd.notna(score):
                row_z.append(None)
                row_t.append(fmt_num(score, lang))
            else:
                row_z.append(None)
                row_t.append("")
        z.append(row_z)
        text.append(row_t)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(e) for e in eds],
            y=[labels.get(i, i) for i in inds],
            text=text,
            texttemplate="%{text}",
            colorscale="Cividis",
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="%{y} %{x}<br>%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return apply(fig, t("profile.matrix_title", lang), lang, height=80 + 42 * len(inds))


def interval(
    intervals: pd.DataFrame, code: str, names: Mapping[str, str], lang: str, window: int = 6
) -> go.Figure:
    """90 % rank intervals of the unit and its neighbours in rank; ours highlighted."""
    iv = intervals.sort_values("rank").reset_index(drop=True)
    pos = int(iv.index[iv["province_code"] == code][0])
    part = iv.iloc[max(0, pos - window) : pos + window + 1]
    colours = [HOME if c == code else OTHERS for c in part["province_code"]]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=part["rank"],
            y=[names.get(c, c) for c in part["province_code"]],
            mode="markers",
            marker=dict(color=colours, size=12),
            error_x=dict(
                type="data",
                symmetric=False,
                array=part["rank_hi"] - part["rank"],
                arrayminus=part["rank"] - part["rank_lo"],
                color="#52606D",
                thickness=2,
            ),
            customdata=list(zip(part["rank_lo"], part["rank_hi"], strict=True)),
            hovertemplate="%{y}: #%{x} (%{customdata[0]}–%{customdata[1]})<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("chart.rank", lang), autorange="reversed")
    return apply(fig, t("profile.interval_title", lang), lang, height=420)
