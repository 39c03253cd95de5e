"""One plotly theme for the app, the deck and every export.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies); Hải Dương is always the same vermillion.
"""

from __future__ import annotations

import copy
from functools import cache

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
# How each provenance kind is drawn (metrics.provenance.KINDS): published and uploaded
# solid, illustrative hollow / hatched, derived and pro-forma each in a style of their own
# that is neither solid nor hollow (a diamond with a dot, a circle with a cross; dotted
# and cross-hatched bars).
KIND_SYMBOL = {
    "published": "circle",
    "uploaded": "circle",
    "derived": "diamond-dot",
    "pro-forma": "circle-x",
    "illustrative": "circle-open",
}
KIND_PATTERN = {
    "published": "",
    "uploaded": "",
    "derived": ".",
    "pro-forma": "x",
    "illustrative": "/",
}
# Text mark after a value in tables and slides ("" for published and uploaded).
KIND_MARK = {"derived": "†", "pro-forma": "‡", "illustrative": "*"}


def kind_symbols(kinds) -> list[str]:  # type: ignore[no-untyped-def]
    """Marker symbols for a sequence of kinds (unknown or missing: solid circle)."""
    return [KIND_SYMBOL.get(k, "circle") if isinstance(k, str) else "circle" for k in kinds]


def kind_patterns(kinds) -> list[str]:  # type: ignore[no-untyped-def]
    """Bar pattern shapes for a sequence of kinds (unknown or missing: solid)."""
    return [KIND_PATTERN.get(k, "") if isinstance(k, str) else "" for k in kinds]


def kind_legend(fig: go.Figure, kinds, colour: str, lang: str, size: int = 10) -> None:  # type: ignore[no-untyped-def]
    """Empty traces whose legend entries explain the marker of each kind: published and
    illustrative always, derived, pro-forma and uploaded when ``kinds`` has them."""
    present = {k for k in kinds if isinstance(k, str)}
    for kind in ("published", "uploaded", "derived", "pro-forma", "illustrative"):
        if kind not in ("published", "illustrative") and kind not in present:
            continue
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=t(f"chart.{kind.replace('-', '_')}", lang),
                marker=dict(
                    color=colour,
                    size=size,
                    symbol=KIND_SYMBOL[kind],
                    line=dict(width=2, color=colour),
                ),
            )
        )


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


def _titles(title: str, lang: str, source: str | None, height: int) -> dict:
    src = t("chart.source", lang, source=source or t("chart.source_default", lang))
    # The source rides in the title's subtitle: it stays with the figure in every export
    # and never collides with a legend below the plot.
    return dict(
        title=dict(text=title, subtitle=dict(text=src, font=dict(size=11, color="#616E7C"))),
        height=height,
        separators=",." if lang == "vi" else ".,",
        margin=dict(t=90),
    )


def apply(
    fig: go.Figure, title: str, lang: str, source: str | None = None, height: int = 420
) -> go.Figure:
    """Title, source line and theme, so exported images carry them too."""
    fig.update_layout(template="dti", **_titles(title, lang, source, height))
    return fig


@cache
def _template_json() -> dict:
    return _TEMPLATE.to_plotly_json()


def layout(title: str, lang: str, source: str | None = None, height: int = 420) -> dict:
    """``apply``'s layout as a plain dict (the theme resolved), for ``figure``."""
    return {"template": copy.deepcopy(_template_json()), **_titles(title, lang, source, height)}


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts (traces with their ``type``), skipping graph-objects
    validation, which is most of the cost of building a large figure (the tile map: 23 of
    ~30 ms). The dicts must already be what plotly.js reads: nested, no magic underscores,
    a resolved template (``layout(...)``). Still a go.Figure, so it is read, drawn and
    exported like any other."""
    return go.Figure({"data": data, "layout": layout}, _validate=False)


class _Shipped(go.Figure):
    """A stand-in handed to ``st.plotly_chart``: it is a ``go.Figure`` for Streamlit's
    type check, and its ``to_dict`` returns the plain dict made once (``shipped``)."""

    def __init__(self, spec: dict) -> None:  # no go.Figure state: only to_dict is read
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict:
        return self._spec


def shipped(fig: go.Figure) -> go.Figure:
    """``fig`` as Streamlit ships it, with its plain dict made only once per figure.

    ``st.plotly_chart`` turns a figure into a dict on every run (a deep copy and an array
    encoding: most of a chart's server cost); a figure shared across runs (a memoised one)
    needs that only once. The dict is kept on the figure, so the figure must not change
    after it was first shipped (memoised figures never do)."""
    if isinstance(fig, _Shipped):
        return fig
    spec = fig.__dict__.get("_dti_spec")
    if spec is None:
        spec = fig.to_dict()
        fig._dti_spec = spec  # private attributes are allowed on a BaseFigure
    return _Shipped(spec)
