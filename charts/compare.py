"""Figures and the display table of the comparison page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from charts.theme import HOME, KIND_MARK, PALETTE, apply, kind_legend, kind_symbols
from i18n import fmt_num, t

ILLUSTRATIVE_MARK = KIND_MARK["illustrative"]


def colours(codes: Sequence[str], home_code: str) -> dict[str, str]:
    """Home province in HOME; the others take the palette in order."""
    out, i = {}, 0
    for c in codes:
        if c == home_code:
            out[c] = HOME
        else:
            out[c] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


def spread(values: Sequence[float], gap: float) -> list[float]:
    """Label positions at least ``gap`` apart, as close as possible to ``values``
    (a forward pass upwards, then the block re-centred on the original mean)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    prev = None
    for i in order:
        y = float(values[i]) if prev is None else max(float(values[i]), prev + gap)
        out[i] = prev = y
    if values:
        shift = (sum(out) - sum(float(v) for v in values)) / len(values)
        out = [y - shift for y in out]
    return out


def _symbols(kinds: pd.Series) -> list[str]:
    return kind_symbols(kinds)


def bump(paths: pd.DataFrame, names: Mapping[str, str], home_code: str, lang: str) -> go.Figure:
    """Rank per edition for each province (1 at the top); names at the right end."""
    fig = go.Figure()
    codes = list(dict.fromkeys(paths["province_code"]))
    cols = colours(codes, home_code)
    for code in codes:
        p = paths[paths["province_code"] == code]
        home = code == home_code
        fig.add_trace(
            go.Scatter(
                x=p["edition"],
                y=p["rank"].astype(float),
                mode="lines+markers+text",
                name=names[code],
                line=dict(color=cols[code], width=5 if home else 2.5),
                marker=dict(
                    color=cols[code],
                    size=12 if home else 9,
                    symbol=_symbols(p.get("rank_kind", p["kind"])),
                    line=dict(width=2, color=cols[code]),
                ),
                text=[str(int(r)) if home else "" for r in p["rank"]],
                textposition="top center",
                textfont=dict(color=cols[code], size=13),
                showlegend=False,
                customdata=[
                    t("chart.rank_hover", lang, year=e, rank=int(r), n=int(n))
                    for e, r, n in zip(p["edition"], p["rank"], p["n"], strict=True)
                ],
                hovertemplate="%{customdata}<extra>" + names[code] + "</extra>",
            )
        )
    kind_legend(fig, paths.get("rank_kind", paths.get("kind", [])), "#52606D", lang)
    n = int(paths["n"].max()) if len(paths) else 63
    worst = int(paths["rank"].max()) if len(paths) else n
    lo = min(n, worst + 2) + 0.5
    # Names at the right end of each line, pushed apart so they never overlap.
    ends = paths.sort_values("edition").groupby("province_code", sort=False).tail(1)
    ys = spread([-float(r) for r in ends["rank"]], gap=lo / 14)
    for (_, r), y in zip(ends.iterrows(), ys, strict=True):
        code = r["province_code"]
        fig.add_annotation(
            x=r["edition"],
            y=-y,
            text=f"{names[code]} ({int(r['rank'])})",
            xanchor="left",
            xshift=10,
            showarrow=False,
            font=dict(color=cols[code], size=12),
        )
    editions = sorted(paths["edition"].unique())
    fig.update_yaxes(
        title=t("chart.rank", lang),
        autorange=False,
        range=[lo, 0.5],
        zeroline=False,
        tickvals=sorted({1, *range(10, int(lo), 10)}),
    )
    # Room inside the plot, right of the last edition, for the longest name label (about
    # 11 px a character at projector size on a ~780 px wide plot), so none is cut off.
    longest = max((len(f"{names[c]} (00)") for c in ends["province_code"]), default=0)
    label_px = 11 * longest + 12
    span = (editions[-1] - editions[0] + 0.3) if editions else 1
    room = max(0.6, span * label_px / max(780 - label_px, 200))
    fig.update_xaxes(
        title=t("chart.edition", lang),
        tickmode="array",
        tickvals=editions,
        ticktext=[str(e) for e in editions],
        range=[editions[0] - 0.3, editions[-1] + room] if editions else None,
    )
    fig = apply(fig, t("compare.bump_title", lang), lang, height=460)
    fig.update_layout(margin=dict(r=170))  # room for the province names at the right end
    return fig


def slope_chart(
    sl: pd.DataFrame, names: Mapping[str, str], home_code: str, first: int, last: int, lang: str
) -> go.Figure:
    """Score in ``first`` and ``last`` per province, joined by a line; each end labelled
    with the score and rank."""
    fig = go.Figure()
    cols = colours(sl["province_code"].tolist(), home_code)
    x = [str(first), str(last)]
    ends: tuple[list, list] = ([], [])
    for _, r in sl.iterrows():
        code = r["province_code"]
        home = code == home_code
        y = [r["score_from"], r["score_to"]]
        labels = [
            ""
            if pd.isna(r["score_from"])
            else f"{fmt_num(r['score_from'], lang)} (#{int(r['rank_from'])})",
            ""
            if pd.isna(r["score_to"])
            else f"{names[code]}: {fmt_num(r['score_to'], lang)} (#{int(r['rank_to'])})",
        ]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers+text",
                name=names[code],
                line=dict(color=cols[code], width=5 if home else 2.5),
                marker=dict(
                    color=cols[code],
                    size=11,
                    symbol=_symbols(pd.Series([r["kind_from"], r["kind_to"]])),
                    line=dict(width=2, color=cols[code]),
                ),
                customdata=labels,
                showlegend=False,
                hovertemplate="%{x}: %{customdata}<extra>" + names[code] + "</extra>",
            )
        )
        ends[0].append((y[0], labels[0], cols[code]))
        ends[1].append((y[1], labels[1], cols[code]))
    vals = [v for side in ends for v, _, _ in side if not pd.isna(v)]
    gap = (max(vals) - min(vals) + 0.05) / 16 if vals else 0.01
    # On a category axis an annotation's x is the category's index.
    for side, (xpos, anchor, shift) in enumerate(((0, "right", -10), (1, "left", 10))):
        kept = [e for e in ends[side] if not pd.isna(e[0])]
        for (_, text, colour), yy in zip(kept, spread([e[0] for e in kept], gap), strict=True):
            fig.add_annotation(
                x=xpos,
                y=yy,
                text=text,
                xanchor=anchor,
                xshift=shift,
                showarrow=False,
                font=dict(color=colour, size=12),
            )
    fig.update_xaxes(type="category", title=t("chart.edition", lang))
    fig.update_yaxes(title=t("chart.score", lang))
    # Room for the end labels on both sides.
    fig.update_layout(xaxis=dict(range=[-0.75, 1.1]))
    fig = apply(fig, t("compare.slope_title", lang, first=first, last=last), lang, height=460)
    fig.update_layout(margin=dict(r=190))  # the right-end labels live in the margin
    return fig


def side_table(
    sbs: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """Indicators down, provinces across; each cell "score (rank)", with
    ILLUSTRATIVE_MARK after illustrative values and "–" where there is no value."""
    codes = list(dict.fromkeys(sbs["province_code"]))
    rows = []
    for ind in dict.fromkeys(sbs["indicator"]):
        part = sbs[sbs["indicator"] == ind].set_index("province_code")
        row = {t("compare.col_indicator", lang): labels[ind]}
        for code in codes:
            r = part.loc[code]
            if pd.isna(r["score"]):
                cell = "–"
            else:
                mark = KIND_MARK.get(r["kind"], "")
                cell = f"{fmt_num(r['score'], lang)}{mark} (#{int(r['rank'])})"
            row[names[code]] = cell
        rows.append(row)
    return pd.DataFrame(rows)
