"""The tile-grid map of Vietnam: one rectangle per unit, coloured by score, rank or tier.

Tiles are layout shapes (so illustrative values can carry a corner mark and the home
province an outline); an invisible marker at each tile's centre carries the label, the hover text
and the unit code for click-to-open. Colours are cividis (readable with the common
colour-vision deficiencies, and in greyscale); light = better, dark = worse.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

from charts.theme import HOME, figure, layout
from i18n import fmt_int, fmt_num, t
from metrics.ranking import tier_label

SCALE = "cividis"
MISSING = "#E4E7EB"
SEA = "#EAF4FB"
TIER_POS = {1: 1.0, 2: 2 / 3, 3: 1 / 3, 4: 0.0}
HALF_W, HALF_H = 0.46, 0.44  # tile half-size in grid cells (a small gap between tiles)


def _luminance(rgb: str) -> float:
    """WCAG relative luminance of an "rgb(r, g, b)" colour (sRGB linearised)."""

    def lin(v: float) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(float(v)) for v in rgb[rgb.index("(") + 1 : -1].split(","))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


DARK_TEXT_L = 0.0222  # relative luminance of the dark text colour #1F2933


def _white_text(colour: str) -> bool:
    """White or dark text on a tile: whichever contrasts more (WCAG contrast ratio)."""
    lum = _luminance(colour)
    return 1.05 / (lum + 0.05) > (lum + 0.05) / (DARK_TEXT_L + 0.05)


def _positions(tiles: pd.DataFrame, measure: str) -> list[float | None]:
    """Where each tile sits on the colour scale, 0 (worst) .. 1 (best); None = no data."""
    if measure == "tier":
        return [None if pd.isna(v) else TIER_POS[int(v)] for v in tiles["tier"]]
    if measure == "rank":
        return [
            None if pd.isna(r) else (1.0 if n <= 1 else 1 - (r - 1) / (n - 1))
            for r, n in zip(tiles["rank"], tiles["n"], strict=True)
        ]
    lo, hi = tiles["score"].min(), tiles["score"].max()
    span = (hi - lo) or 1.0
    return [None if pd.isna(s) else (s - lo) / span for s in tiles["score"]]


def _wrap(text: str) -> str:
    """Two balanced lines, split at the space nearest the middle."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut]}<br>{text[cut + 1 :]}"


def _hover(row: pd.Series, indicator_label: str, lang: str) -> str:
    lines = [f"<b>{html.escape(str(row['name']))}</b>"]
    if pd.isna(row["score"]):
        lines.append(t("map.no_data", lang))
    else:
        lines.append(
            t("map.hover_score", lang, indicator=indicator_label, score=fmt_num(row["score"], lang))
        )
        lines.append(
            t(
                "map.hover_rank",
                lang,
                rank=int(row["rank"]),
                n=int(row["n"]),
                tier=tier_label(int(row["tier"]), lang),
            )
        )
        kind = row["kind"] if isinstance(row["kind"], str) else None
        lines.append(t("map.hover_kind", lang, kind=t(f"prov.{kind}", lang) if kind else "–"))
        if kind in ("published", "uploaded"):
            # Sources may name an uploaded file: escaped, never markup.
            src = html.escape(str(row["source"]))
            lines.append(src if len(src) <= 60 else src[:57] + "…")
    lines.append(f"<i>{t('map.hover_click', lang)}</i>")
    return "<br>".join(lines)


def _tile_text(row: pd.Series, measure: str, lang: str) -> str:
    if pd.isna(row["score"]):
        value = "–"
    elif measure == "score":
        value = fmt_num(row["score"], lang)  # 4 decimals, as published: no false ties
    else:
        value = f"#{int(row['rank'])}"
    return f"{row['short']}<br>{value}"


# Kinds that get a folded corner, and the legend entry of each corner.
MARKED = ("illustrative", "derived", "pro-forma")
MARK_ON_DARK, MARK_ON_LIGHT = "rgba(255,255,255,0.85)", "rgba(31,41,51,0.55)"
CORNER_LEGEND = (
    (("illustrative",), "map.legend_illustrative", "triangle-ne"),
    (("derived", "pro-forma"), "map.legend_pro_forma", "triangle-sw"),
)


def _corner(x: float, y: float, colour: str, kind: str = "illustrative") -> dict:
    """A folded corner, kept off the text so the label stays readable even when every
    tile is marked: top-right for an illustrative value, bottom-left for a derived or
    pro-forma one."""
    if kind != "illustrative":
        x0, y0 = x - HALF_W, y - HALF_H
        path = f"M {x0 + 0.2:.3f} {y0:.3f} L {x0:.3f} {y0:.3f} L {x0:.3f} {y0 + 0.28:.3f} Z"
    else:
        x1, y1 = x + HALF_W, y + HALF_H
        path = f"M {x1 - 0.2:.3f} {y1:.3f} L {x1:.3f} {y1:.3f} L {x1:.3f} {y1 - 0.28:.3f} Z"
    return dict(type="path", path=path, fillcolor=colour, line=dict(width=0), layer="below")


def tile_map(
    tiles: pd.DataFrame,
    islands: pd.DataFrame,
    measure: str,
    home_code: str,
    indicator_label: str,
    title: str,
    lang: str,
    height: int = 720,
) -> go.Figure:
    """The map. ``tiles`` from ``metrics.geo.map_tiles``; ``islands`` from
    ``data.tilegrid.island_tiles``; ``measure`` is score, rank or tier.

    Each point's ``customdata`` is the unit code (read back on click). Built from plain
    dicts (``charts.theme.figure``): validating ~130 shapes was most of its cost."""
    pos = _positions(tiles, measure)
    known = [p for p in pos if p is not None]
    sampled = iter(pcolors.sample_colorscale(SCALE, known) if known else [])
    colours = [MISSING if p is None else next(sampled) for p in pos]
    shapes, text_colours = _tile_shapes(tiles, colours, home_code)
    isl_shapes, notes = _islands(islands, lang)
    labels = dict(
        type="scatter",
        x=tiles["col"].astype(float),
        y=-tiles["row"].astype(float),
        mode="markers+text",
        text=[_tile_text(r, measure, lang) for _, r in tiles.iterrows()],
        textfont=dict(size=11, color=text_colours),
        textposition="middle center",
        marker=dict(symbol="square", size=30, color="rgba(0,0,0,0)"),
        customdata=tiles["code"].tolist(),
        hovertext=[_hover(r, indicator_label, lang) for _, r in tiles.iterrows()],
        hoverinfo="text",
        showlegend=False,
        name="",
        selected=dict(marker=dict(opacity=0)),
        unselected=dict(marker=dict(opacity=0)),
    )
    lo_x = min(float(tiles["col"].min()), float(islands["col"].min())) - 0.6
    hi_x = max(float(tiles["col"].max()), float(islands["col"].max()) + 0.5) + 0.6
    rows = float(tiles["row"].max())
    lay = layout(title, lang, source=t("map.source", lang), height=height)
    lay.update(
        xaxis=dict(visible=False, range=[lo_x, hi_x], fixedrange=True),
        yaxis=dict(visible=False, range=[-rows - 0.6, 0.6], fixedrange=True),
        shapes=shapes + isl_shapes,
        annotations=notes,
        dragmode=False,
        hovermode="closest",
        clickmode="event",
        margin=dict(t=90, l=10, r=10, b=10),
        legend=dict(
            orientation="v",
            x=0,
            y=0.78,
            xanchor="left",
            yanchor="top",
            bgcolor="rgba(255,255,255,0.85)",
            font=dict(size=12),
        ),
    )
    return figure([labels, *_legend(tiles, measure, home_code, lang)], lay)


def _rect(x: float, y: float, **style: object) -> dict:
    """A tile-sized rectangle centred on (x, y)."""
    return dict(type="rect", x0=x - HALF_W, x1=x + HALF_W, y0=y - HALF_H, y1=y + HALF_H, **style)


def _tile_shapes(
    tiles: pd.DataFrame, colours: list[str], home_code: str
) -> tuple[list[dict], list[str]]:
    """One rectangle per tile (and its folded corner), the home outline again on top so
    the neighbours' borders do not cover it; and each tile's text colour."""
    shapes: list[dict] = []
    text_colours = []
    for (_, row), colour in zip(tiles.iterrows(), colours, strict=True):
        x, y = float(row["col"]), -float(row["row"])
        dark = colour != MISSING and _white_text(colour)
        text_colours.append("white" if dark else "#1F2933")
        home = row["code"] == home_code
        line = dict(color=HOME if home else "white", width=4 if home else 1)
        shapes.append(_rect(x, y, fillcolor=colour, line=line, layer="below"))
        if row["kind"] in MARKED:
            shapes.append(_corner(x, y, MARK_ON_DARK if dark else MARK_ON_LIGHT, row["kind"]))
    for _, row in tiles[tiles["code"] == home_code].iterrows():
        x, y = float(row["col"]), -float(row["row"])
        shapes.append(_rect(x, y, line=dict(color=HOME, width=4), layer="above"))
    return shapes, text_colours


def _islands(islands: pd.DataFrame, lang: str) -> tuple[list[dict], list[dict]]:
    """The archipelagos: part of Vietnam, drawn in the sea, carrying no data (a dotted
    box and a name each)."""
    shapes, notes = [], []
    for _, isl in islands.iterrows():
        x, y = float(isl["col"]), -float(isl["row"])
        shapes.append(
            dict(
                type="rect",
                x0=x - 0.95,
                x1=x + 0.95,
                y0=y - 0.55,
                y1=y + 0.55,
                fillcolor=SEA,
                line=dict(color="#56B4E9", width=1, dash="dot"),
                layer="below",
            )
        )
        notes.append(
            dict(
                x=x,
                y=y,
                text=_wrap(t(f"map.{isl['key']}", lang)),
                showarrow=False,
                font=dict(size=10, color="#1F4E79"),
            )
        )
    return shapes, notes


def _legend(tiles: pd.DataFrame, measure: str, home_code: str, lang: str) -> list[dict]:
    """Legend traces: the colour key (bar or tier squares), the home outline, the corner
    marks and "no data" (each only when the map shows it)."""
    if measure == "tier":
        keys = [
            _entry(
                tier_label(tier, lang),
                dict(symbol="square", size=14, color=pcolors.sample_colorscale(SCALE, [p])[0]),
            )
            for tier, p in TIER_POS.items()
        ]
    else:
        keys = [_colour_bar(tiles.dropna(subset=["score"]), measure, lang)]
    home = tiles.loc[tiles["code"] == home_code, "name"]
    if len(home):
        outline = dict(symbol="square-open", size=14, color=HOME, line=dict(width=3))
        keys.append(_entry(str(home.iloc[0]), outline))
    entries = [
        (tiles["kind"].isin(kinds).any(), t(key, lang), dict(symbol=sym, size=12, color="#52606D"))
        for kinds, key, sym in CORNER_LEGEND
    ]
    no_data = dict(symbol="square", size=14, color=MISSING)
    entries.append((tiles["score"].isna().any(), t("map.no_data", lang), no_data))
    return keys + [_entry(name, marker) for shown, name, marker in entries if shown]


def _entry(name: str, marker: dict) -> dict:
    """An empty trace that only shows ``marker`` and ``name`` in the legend."""
    return dict(type="scatter", x=[None], y=[None], mode="markers", name=name, marker=marker)


def _colour_bar(valid: pd.DataFrame, measure: str, lang: str) -> dict:
    """An empty trace carrying the colour bar of a score or rank map."""
    if measure == "rank":
        n = int(valid["n"].max()) if len(valid) else 1
        ticks = sorted({1, *range(10, n, 10), n})
        cmin, cmax, title = -n, -1, t("map.measure.rank", lang)
        scale_ticks = dict(tickvals=[-k for k in ticks], ticktext=[fmt_int(k, lang) for k in ticks])
    else:
        cmin = float(valid["score"].min()) if len(valid) else 0.0
        cmax = float(valid["score"].max()) if len(valid) else 1.0
        title, scale_ticks = t("map.measure.score", lang), dict(tickformat=".2f")
    colorbar = dict(
        title=dict(text=title, side="top"),
        x=0.01,
        xanchor="left",
        y=0.64,
        yanchor="top",
        len=0.26,
        thickness=14,
        **scale_ticks,
    )
    marker = dict(
        colorscale=pcolors.get_colorscale(SCALE), cmin=cmin, cmax=cmax, color=[0], showscale=True
    )
    return dict(
        type="scatter",
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={**marker, "colorbar": colorbar},
    )
