"""The home province against the field, edition by edition."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import (
    HOME,
    LEADER,
    MEDIAN,
    OTHERS,
    apply,
    figure,
    kind_legend,
    kind_symbols,
    layout,
)
from i18n import fmt_num, t


def _marker(kinds: pd.Series, colour: str, size: int = 11) -> dict:
    """Filled for published/uploaded, hollow for illustrative, own symbols for derived and
    pro-forma (legend explains)."""
    symbols = kind_symbols(kinds)
    return dict(color=colour, size=size, symbol=symbols, line=dict(width=2, color=colour))


def score_spread(
    field: pd.DataFrame, traj: pd.DataFrame, names: dict[str, str], province: str, lang: str
) -> go.Figure:
    """All provinces' scores per edition as a light strip, the national median and the
    leader as lines, and the province's own scores as a bold line on top. Built from plain
    dicts (``charts.theme.figure``): 63 provinces x editions of markers to validate."""
    others = field[field["province_code"].map(names).ne(province)]
    strip = dict(
        type="scatter",
        x=others["edition"],
        y=others["score"],
        mode="markers",
        name=t("chart.all_provinces", lang),
        marker=dict(color=OTHERS, size=7, opacity=0.45, symbol=kind_symbols(others["kind"])),
        customdata=list(
            zip(
                others["province_code"].map(names),
                [fmt_num(s, lang) for s in others["score"]],
                others["rank"].astype("Int64").astype(str),
                strict=True,
            )
        ),
        hovertemplate="%{customdata[0]}<br>%{customdata[1]} · #%{customdata[2]}<extra></extra>",
    )
    n = int(traj["n"].max()) if len(traj) else 0
    lay = layout(t("chart.score_title", lang, province=province, n=n), lang)
    lay.update(
        xaxis=dict(
            title=dict(text=t("chart.edition", lang)),
            tickmode="array",
            tickvals=list(traj["edition"]),
            ticktext=[str(e) for e in traj["edition"]],
        ),
        yaxis=dict(title=dict(text=t("chart.score", lang)), rangemode="tozero"),
    )
    return figure([strip, *_field_lines(traj, names, lang), _own_line(traj, province, lang)], lay)


def _field_lines(traj: pd.DataFrame, names: dict[str, str], lang: str) -> list[dict]:
    """The national median and the leader, edition by edition (dashed and dotted)."""
    median = t("chart.median", lang)
    leader = t("chart.leader", lang)
    return [
        dict(
            type="scatter",
            x=traj["edition"],
            y=traj["median"],
            mode="lines",
            name=median,
            line=dict(color=MEDIAN, dash="dash", width=2),
            customdata=[fmt_num(v, lang) for v in traj["median"]],
            hovertemplate="%{customdata}<extra>" + median + "</extra>",
        ),
        dict(
            type="scatter",
            x=traj["edition"],
            y=traj["leader_score"],
            mode="lines",
            name=leader,
            line=dict(color=LEADER, dash="dot", width=2),
            customdata=list(
                zip(
                    traj["leader_code"].map(names),
                    [fmt_num(v, lang) for v in traj["leader_score"]],
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + leader + "</extra>",
        ),
    ]


def _rank_hovers(mine: pd.DataFrame, lang: str) -> list[str]:
    """ "2024: rank 13 of 63" for each edition of a trajectory."""
    return [
        t("chart.rank_hover", lang, year=e, rank=r, n=n)
        for e, r, n in zip(mine["edition"], mine["rank"], mine["n"], strict=True)
    ]


def _own_line(traj: pd.DataFrame, province: str, lang: str) -> dict:
    """The province's own scores: a bold line with each value written above it."""
    mine = traj.dropna(subset=["score"])
    return dict(
        type="scatter",
        x=mine["edition"],
        y=mine["score"],
        mode="lines+markers+text",
        name=province,
        line=dict(color=HOME, width=4),
        marker=_marker(mine["kind"], HOME, 13),
        text=[fmt_num(s, lang) for s in mine["score"]],
        textposition="top center",
        textfont=dict(color=HOME, size=13),
        customdata=_rank_hovers(mine, lang),
        hovertemplate="%{customdata}<br>%{text}<extra>" + province + "</extra>",
    )


def rank_path(
    traj: pd.DataFrame,
    province: str,
    lang: str,
    later: pd.DataFrame | None = None,
    later_name: str = "",
) -> go.Figure:
    """The province's rank per edition; the axis runs from 1 at the top to n. ``later``
    (the successor's trajectory among the 34 units, editions after ``traj``'s) continues
    the line dashed, after a marked boundary change."""
    fig = _rank_path(traj, province, lang)
    after = later.dropna(subset=["rank"]) if later is not None else None
    if after is None or after.empty:
        return fig
    fig.add_trace(
        go.Scatter(
            x=after["edition"],
            y=after["rank"].astype(float),
            mode="lines+markers+text",
            name=t("chart.rank_after", lang, name=later_name, n=int(after["n"].max())),
            line=dict(color=HOME, width=3, dash="dash"),
            marker=_marker(after["kind"], HOME, 14),
            text=[f"{int(r)}/{int(k)}" for r, k in zip(after["rank"], after["n"], strict=True)],
            textposition="top center",
            textfont=dict(color=HOME, size=14),
        )
    )
    edge = (float(traj["edition"].max()) + float(after["edition"].min())) / 2
    fig.add_vline(x=edge, line=dict(color="#555555", width=1, dash="dot"))
    fig.add_annotation(
        x=edge, y=0, yref="y", text=t("chart.boundary", lang), showarrow=False, yanchor="bottom"
    )
    eds = sorted({*traj["edition"], *after["edition"]})
    fig.update_xaxes(tickvals=eds, ticktext=[str(e) for e in eds])
    return fig


def _rank_path(traj: pd.DataFrame, province: str, lang: str) -> go.Figure:
    mine = traj.dropna(subset=["rank"])
    # A rank's own provenance (a derived rank over illustrative scores reads as derived).
    kind_col = "rank_kind" if "rank_kind" in mine else "kind"
    n = int(traj["n"].max()) if len(traj) else 63
    fig = go.Figure(
        go.Scatter(
            x=mine["edition"],
            y=mine["rank"].astype(float),
            mode="lines+markers+text",
            name=province,
            line=dict(color=HOME, width=4),
            marker=_marker(mine[kind_col], HOME, 14),
            text=[str(int(r)) for r in mine["rank"]],
            textposition="top center",
            textfont=dict(color=HOME, size=14),
            customdata=_rank_hovers(mine, lang),
            hovertemplate="%{customdata}<extra>" + province + "</extra>",
        )
    )
    # Legend entries that explain the marker styles.
    kind_legend(fig, mine[kind_col], HOME, lang, size=11)
    fig.update_yaxes(
        title=t("chart.rank", lang),
        autorange=False,
        range=[n + 1, 0],
        tickvals=[1, 10, 20, 30, 40, 50, n],
        zeroline=False,
    )
    fig.update_xaxes(
        title=t("chart.edition", lang),
        tickmode="array",
        tickvals=list(traj["edition"]),
        ticktext=[str(e) for e in traj["edition"]],
    )
    return apply(fig, t("chart.rank_title", lang, province=province), lang, height=380)
