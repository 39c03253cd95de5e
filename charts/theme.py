"""One plotly theme for the app, the deck and every export.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies); Hải Dương is always the same vermillion.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from i18n import t

HOME = "#D55E00"  # vermillion: the highlighted province, everywhere
OTHERS = "#9AA5B1"
MEDIAN = "#0072B2"
LEADER = "#009E73"
# Okabe-Ito without its yellow (unreadable on white, worse on a projector); a wine from
# Paul Tol's palette takes its place.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#882255", "#000000"]
PILLAR_COLOURS = {"gov": "#0072B2", "econ": "#E69F00", "soc": "#009E73", "dti": HOME}
# One typeface for charts, slides and the PPTX: Arial (Liberation Sans, metric-compatible,
# where Arial is absent, as on Debian and in LibreOffice).
DECK_FONT = "Arial"
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"

_TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=14, color="#1F2933"),
        title=dict(font=dict(size=18), x=0, xanchor="left"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=PALETTE,
        xaxis=dict(showgrid=False, linecolor="#CBD2D9", ticks="outside"),
        yaxis=dict(gridcolor="#E4E7EB", zeroline=False),
        legend=dict(orientation="h", yanchor="top", y=-0.26, x=0),
        margin=dict(l=60, r=20, t=90, b=110),
        hoverlabel=dict(font=dict(family=FONT)),
    )
)
pio.templates["dti"] = _TEMPLATE


def apply(
    fig: go.Figure, title: str, lang: str, source: str | None = None, height: int = 420
) -> go.Figure:
    """Title, source line and theme, so exported images carry them too."""
    src = t("chart.source", lang, source=source or t("chart.source_default", lang))
    # The source rides in the title's subtitle: it stays with the figure in every export
    # and never collides with a legend below the plot.
    fig.update_layout(
        template="dti",
        title=dict(text=title, subtitle=dict(text=src, font=dict(size=11, color="#616E7C"))),
        height=height,
        separators=",." if lang == "vi" else ".,",
        margin=dict(t=90),
    )
    return fig
