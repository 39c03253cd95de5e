"""Figures and the display table of the comparison page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from charts.theme import HOME, PALETTE, apply
from i18n import fmt_num, t

ILLUSTRATIVE_MARK = "*"


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


def _symbols(kinds: pd.Series) -> list[str]:
    return ["circle-open" if k == "illustrative" else "circle" for k in kinds]


def bump(paths: pd.DataFrame, names: Mapping[str, str], home_code: str,
         lang: str) -> go.Figure:
    """Rank per edition for each province (1 at the top); names at the right end."""
    fig = go.Figure()
    codes = list(dict.fromkeys(paths["province_code"]))
    cols = colours(codes, home_code)
    for code in codes:
        p = paths[paths["province_code"] == code]
        home = code == home_code
        fig.add_trace(go.Scatter(
            x=p["edition"], y=p["rank"].astype(float), mode="lines+markers+text",
            name=names[code], line=dict(color=cols[code], width=5 if home else 2.5),
            marker=dict(color=cols[code], size=12 if home else 9, symbol=_symbols(p["kind"]),
                        line=dict(width=2, color=cols[code])),
            text=[str(int(r)) for r in p["rank"]], textposition="top center",
            textfont=dict(color=cols[code], size=12),
            customdata=[t("chart.rank_hover", lang, year=e, rank=int(r), n=int(n))
                        for e, r, n in zip(p["edition"], p["rank"], p["n"], strict=True)],
            hovertemplate="%{customdata}<extra>" + names[code] + "</extra>",
        ))
    for key, symbol in (("chart.published", "circle"), ("chart.illustrative", "circle-open")):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t(key, lang),
                                 marker=dict(color="#52606D", size=10, symbol=symbol,
                                             line=dict(width=2, color="#52606D"))))
    n = int(paths["n"].max()) if len(paths) else 63
    worst = int(paths["rank"].max()) if len(paths) else n
    fig.update_yaxes(title=t("chart.rank", lang), autorange=False,
                     range=[min(n, worst + 3) + 0.5, 0], zeroline=False)
    editions = sorted(paths["edition"].unique())
    fig.update_xaxes(title=t("chart.edition", lang), tickmode="array", tickvals=editions,
                     ticktext=[str(e) for e in editions])
    return apply(fig, t("compare.bump_title", lang), lang, height=460)


def slope_chart(sl: pd.DataFrame, names: Mapping[str, str], home_code: str, first: int,
                last: int, lang: str) -> go.Figure:
    """Score in ``first`` and ``last`` per province, joined by a line; each end labelled
    with the score and rank."""
    fig = go.Figure()
    cols = colours(sl["province_code"].tolist(), home_code)
    x = [str(first), str(last)]
    for _, r in sl.iterrows():
        code = r["province_code"]
        home = code == home_code
        y = [r["score_from"], r["score_to"]]
        labels = [
            "" if pd.isna(r["score_from"]) else
            f"{fmt_num(r['score_from'], lang)} (#{int(r['rank_from'])})",
            "" if pd.isna(r["score_to"]) else
            f"{names[code]}: {fmt_num(r['score_to'], lang)} (#{int(r['rank_to'])})",
        ]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers+text", name=names[code],
            line=dict(color=cols[code], width=5 if home else 2.5),
            marker=dict(color=cols[code], size=11,
                        symbol=_symbols(pd.Series([r["kind_from"], r["kind_to"]])),
                        line=dict(width=2, color=cols[code])),
            text=labels, textposition=["middle left", "middle right"],
            textfont=dict(color=cols[code], size=12), showlegend=False,
            hovertemplate="%{x}: %{text}<extra>" + names[code] + "</extra>",
        ))
    fig.update_xaxes(type="category", title=t("chart.edition", lang))
    fig.update_yaxes(title=t("chart.score", lang))
    # Room for the end labels on both sides.
    fig.update_layout(xaxis=dict(range=[-0.9, 1.9]))
    return apply(fig, t("compare.slope_title", lang, first=first, last=last), lang,
                 height=460)


def side_table(sbs: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str],
               lang: str) -> pd.DataFrame:
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
                mark = ILLUSTRATIVE_MARK if r["kind"] == "illustrative" else ""
                cell = f"{fmt_num(r['score'], lang)}{mark} (#{int(r['rank'])})"
            row[names[code]] = cell
        rows.append(row)
    return pd.DataFrame(rows)
