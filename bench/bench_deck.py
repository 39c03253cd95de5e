"""The DT Day deck: full build and per-chart PNG export with a warm kaleido server.

Full deck build = slide specs from the metrics (profile with its Monte Carlo interval),
8 PNGs and the PPTX, from a dataset already loaded (the app has it cached). Floor: python-pptx
writing an 8-slide deck with the same 8 pre-rendered PNGs. Per-chart export: one slide
chart to PNG on a warm server; floor: kaleido exporting an empty figure.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import plotly.graph_objects as go
from pptx import Presentation
from pptx.util import Inches

from bench import Row, register

REPEAT = 3
DECK_BUDGET_S = 3.0
PNG_BUDGET_S = 0.5


def best_of(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _bare_deck(images: list[bytes]) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    for png in images:
        sl = prs.slides.add_slide(prs.slide_layouts[6])
        sl.shapes.add_picture(io.BytesIO(png), Inches(0.3), Inches(1.25), width=Inches(8.4))
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


@register
def deck_build() -> list[Row]:
    from app.dataset import build_dataset
    from app.deck import slides
    from charts.export import deck_bytes, figure_image, slide_images
    from data.store import load_bundle
    from metrics.provenance import provenance

    ds = build_dataset(load_bundle())
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    figure_image(go.Figure())  # start the per-process server outside the timings

    def full() -> bytes:
        ss = slides(ds, prov, "30", 2024, "vi", 10, "63")
        return deck_bytes(ss, "vi", slide_images(ss))

    ours = best_of(full)
    ss = slides(ds, prov, "30", 2024, "vi", 10, "63")
    images = slide_images(ss)
    floor = best_of(lambda: _bare_deck(images))
    chart = ss[1].figure  # the busiest chart: every province in every edition
    png = best_of(lambda: figure_image(chart, "png"), 5)
    empty = best_of(lambda: figure_image(go.Figure(), "png"), 5)
    return [
        Row("DT Day deck: 8 slides + PNGs + PPTX", ours, "python-pptx, same 8 PNGs", floor, None),
        Row("DT Day deck (budget)", ours, "target", DECK_BUDGET_S, 1.0),
        Row("chart PNG, warm kaleido server", png, "kaleido empty figure", empty, None),
        Row("chart PNG (budget)", png, "target", PNG_BUDGET_S, 1.0),
    ]
