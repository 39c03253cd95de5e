"""The one-page DT Day briefing as DOCX (python-docx), built from the deck's slides.

The briefing repeats the slides' key numbers, so it can never disagree with the deck or
the app: rank and change, what drove it, rivals, strengths and weaknesses, the gap to the
target, and the sources. Vietnamese is the default language. Returns bytes (no files).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx import Document
from docx.shared import Inches, Pt, RGBColor

from i18n import t

if TYPE_CHECKING:
    from charts.deck import Slide

# (section heading key, slide key, how many of the slide's lines)
SECTIONS: tuple[tuple[str, str, int], ...] = (
    ("briefing.result", "headline", 4),
    ("briefing.drivers", "why", 4),
    ("briefing.rivals", "rivals", 3),
    ("briefing.strengths", "strengths", 2),
    ("briefing.target", "target", 3),
    ("briefing.method", "method", 3),
)


def briefing_docx(slides: Sequence[Slide], lang: str = "vi", image: bytes | None = None) -> bytes:
    """One A4 page: title, an optional small chart (PNG) and the key lines per section."""
    by_key = {s.key: s for s in slides}
    head = by_key["headline"]
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Inches(11.69), Inches(8.27)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Inches(0.6))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(1)
    doc.add_heading(head.title, level=1)
    if image is not None:
        doc.add_picture(io.BytesIO(image), width=Inches(4.4))
    for heading_key, slide_key, n in SECTIONS:
        s = by_key.get(slide_key)
        if s is None:
            continue
        h = doc.add_heading(t(heading_key, lang), level=3)
        h.paragraph_format.space_before = Pt(4)
        h.paragraph_format.space_after = Pt(1)
        for line in s.numbers[:n]:
            doc.add_paragraph(line, style="List Bullet")
    src = doc.add_paragraph()
    run = src.add_run(head.source)
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x61, 0x6E, 0x7C)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
