"""Static exports: figures to PNG/SVG with kaleido, slides to a 16:9 PowerPoint.

The one module of ``charts`` that reaches outside the process: kaleido drives the system
chromium (Debian's /usr/bin/chromium, found by kaleido itself) and ``build_deck`` writes
to the path or buffer it is given. One kaleido sync server is started per process, lazily,
on the first export: it makes a PNG in about 0.25 s instead of 2-3 s for a cold start.
It keeps ``TABS`` chromium tabs, so a deck's pictures are rendered side by side.
"""

from __future__ import annotations

import io
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

import kaleido
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from charts.deck import projector
from charts.theme import DECK_FONT
from i18n import t

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from pptx.slide import Slide as PptxSlide

    from charts.deck import Slide

Format = Literal["png", "svg"]

# Slide pictures: rendered at this size (CSS pixels) and scale, placed PIC_W inches wide,
# so one CSS pixel is 8.6 in / 900 = 0.69 pt: type of 21 px prints at 14.4 pt.
SLIDE_FIG_WIDTH = 900
SLIDE_FIG_HEIGHT = 560
SLIDE_FIG_SCALE = 2
SLIDE_FIG_FONT = 21
PIC_W = 8.6  # inches
MARK_PT = 22  # the illustrative mark on every slide of such a deck (>= 20 pt)
MARK_FILL = "B00020"

TABS = 4  # tabs of the kaleido server: pictures of one deck render in parallel
_lock = threading.Lock()  # the sync server has one task queue: one caller at a time
_started = False


def _ensure_server() -> None:
    global _started
    if not _started:
        kaleido.start_sync_server(n=TABS, silence_warnings=True)
        _started = True


def figure_image(
    fig: go.Figure,
    fmt: Format = "png",
    width: int | None = None,
    height: int | None = None,
    scale: float = 1,
) -> bytes:
    """``fig`` as PNG or SVG bytes, title, subtitle (source) and language included.

    Width defaults to 1100 px and height to the figure's own height (else 500 px).
    """
    opts = {
        "format": fmt,
        "width": width or 1100,
        "height": height or fig.layout.height or 500,
        "scale": scale,
    }
    with _lock:
        _ensure_server()
        data = kaleido.calc_fig_sync(fig, opts=opts)
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def slide_images(slides: Sequence[Slide]) -> list[bytes]:
    """The PNG of every slide's chart, at projector type size, rendered in one batch over
    the server's ``TABS`` tabs (kaleido writes each to a file of a temporary folder)."""
    opts = {
        "format": "png",
        "width": SLIDE_FIG_WIDTH,
        "height": SLIDE_FIG_HEIGHT,
        "scale": SLIDE_FIG_SCALE,
    }
    figs = [projector(s.figure, SLIDE_FIG_HEIGHT, SLIDE_FIG_FONT) for s in slides]
    with tempfile.TemporaryDirectory(prefix="dti-slides-") as tmp, _lock:
        _ensure_server()
        paths = [Path(tmp) / f"{i}.png" for i in range(len(figs))]
        specs = [{"fig": f, "path": p, "opts": opts} for f, p in zip(figs, paths, strict=True)]
        kaleido.write_fig_from_object_sync(specs, cancel_on_error=True)
        return [p.read_bytes() for p in paths]


def _text_box(
    slide: PptxSlide,
    left: float,
    top: float,
    width: float,
    height: float,
    lines: Sequence[str],
    size: int,
    colour: str = "1F2933",
    bold: bool = False,
    space_after: int = 0,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> None:
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for i, line in enumerate(lines):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.alignment = align
        para.space_after = Pt(space_after)
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = DECK_FONT
        run.font.color.rgb = RGBColor.from_string(colour)


def _mark(slide: PptxSlide, lang: str) -> None:
    """The "ILLUSTRATIVE FIGURES – NOT OFFICIAL" band: real slide text (22 pt, bold, white
    on red) under the title, never part of a picture."""
    box = slide.shapes.add_textbox(Inches(0.4), Inches(1.0), Inches(12.5), Inches(0.5))
    box.name = "illustrative_mark"
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor.from_string(MARK_FILL)
    tf = box.text_frame
    tf.word_wrap = True
    para = tf.paragraphs[0]
    para.alignment = PP_ALIGN.CENTER
    run = para.add_run()
    run.text = t("mark.illustrative", lang)
    run.font.size = Pt(MARK_PT)
    run.font.bold = True
    run.font.name = DECK_FONT
    run.font.color.rgb = RGBColor.from_string("FFFFFF")


def _numbers_size(lines: Sequence[str]) -> int:
    """Point size for the key numbers so they fit their 4.1 x 5.2 in box: PowerPoint only
    shrinks text to fit when it is edited, so the size is chosen here."""
    chars = sum(len(line) for line in lines)
    return 20 if chars <= 160 else 18 if chars <= 260 else 16 if chars <= 360 else 14


def build_deck(
    slides: Sequence[Slide],
    out: str | Path | IO[bytes],
    images: Sequence[bytes] | None = None,
    lang: str = "vi",
) -> None:
    """Write a 16:9 PowerPoint: per slide the title, the chart as a picture, the key
    numbers as text, the source line, the slide number and the speaker notes.

    ``images`` (one PNG per slide) skips rendering, e.g. when the caller already has them.
    """
    pics = list(images) if images is not None else slide_images(slides)
    prs = Presentation()
    prs.slide_width = Emu(12192000)  # PowerPoint's own 16:9 size, 13.333 x 7.5 in
    prs.slide_height = Emu(6858000)
    layout = prs.slide_layouts[5]  # "Title Only": a real title placeholder per slide
    for s, png in zip(slides, pics, strict=True):
        sl = prs.slides.add_slide(layout)
        title = sl.shapes.title
        title.left, title.top = Inches(0.4), Inches(0.15)
        title.width, title.height = Inches(12.5), Inches(0.8)
        title.text = s.title
        para = title.text_frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size = Pt(30)
            run.font.bold = True
            run.font.name = DECK_FONT
            run.font.color.rgb = RGBColor.from_string("1F2933")
        pic_w = Inches(PIC_W)
        sl.shapes.add_picture(
            io.BytesIO(png),
            Inches(0.3),
            Inches(1.55),
            width=pic_w,
            height=Emu(int(pic_w * SLIDE_FIG_HEIGHT / SLIDE_FIG_WIDTH)),
        )
        _text_box(sl, 9.1, 1.6, 3.95, 5.25, s.numbers, _numbers_size(s.numbers), space_after=10)
        _text_box(sl, 0.4, 6.97, 11.2, 0.45, [s.source], 11, colour="616E7C")
        _text_box(
            sl,
            11.7,
            6.97,
            1.3,
            0.45,
            [t("deck.slide_of", lang, i=s.number, n=len(slides))],
            11,
            colour="616E7C",
            align=PP_ALIGN.RIGHT,
        )
        if s.illustrative:
            _mark(sl, lang)
        sl.notes_slide.notes_text_frame.text = s.notes
    prs.save(out)


def deck_bytes(
    slides: Sequence[Slide], lang: str = "vi", images: Sequence[bytes] | None = None
) -> bytes:
    buf = io.BytesIO()
    build_deck(slides, buf, images, lang)
    return buf.getvalue()
