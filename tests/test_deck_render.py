"""The PPTX as a projector shows it: every slide rendered by LibreOffice (a second,
independent renderer), kept as PNG pages in test-output/ and checked for the mark."""

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import missing

from app.dataset import official_view
from app.deck import slides
from charts.export import deck_bytes
from data.store import load_published
from i18n import fmt_num, t
from metrics.profile_views import adjacent, rank_ladder


def render(pptx: bytes, stem: str, tmp: Path, out: Path) -> list[str]:
    """PPTX -> PDF (soffice) -> one PNG a page in ``out``; returns each page's text."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm or not shutil.which("pdftotext"):
        missing("soffice/pdftoppm not found (Debian libreoffice-impress, poppler-utils)")
    src = tmp / f"{stem}.pptx"
    src.write_bytes(pptx)
    profile = f"-env:UserInstallation=file://{tmp / 'lo-profile'}"  # no shared LO profile
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp / f"{stem}.pdf"
    for old in out.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "72", str(pdf), str(out / stem)], check=True)
    pages = []
    n = len(list(out.glob(f"{stem}-*.png")))
    for i in range(1, n + 1):
        txt = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        pages.append(" ".join(txt.split()))
    return pages


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_illustrative_deck_renders_with_the_mark_on_every_slide(
    bundled_ds, bundled_prov, tmp_path, output_dir, lang
):
    ss = slides(bundled_ds, bundled_prov, "30", 2024, lang, 10, "63")
    pages = render(deck_bytes(ss, lang), f"deck_{lang}_2024", tmp_path, output_dir)
    assert len(pages) == 8
    mark = t("mark.illustrative", lang)
    for spec, text in zip(ss, pages, strict=True):
        assert mark in text, spec.key
        assert spec.title in text
    # slide 7 answers once: the points to pass the province above are the ladder's first
    # step, and both margins are stated
    adj = adjacent(bundled_ds.ranked, 2024, "63", "30")
    first = rank_ladder(bundled_ds.ranked, 2024, "63", "30").iloc[0]
    assert adj["to_pass"] == first["gap"]
    assert t("deck.above_margin", lang, names=", ".join(
        bundled_ds.units_of("63").set_index("province_code").loc[adj["above"], "name"]),
        rank=adj["above_rank"], score=fmt_num(adj["above_score"], lang),
        margin=fmt_num(adj["margin_above"], lang), gap=fmt_num(first["gap"], lang),
    ) in pages[6]  # fmt: skip
    assert fmt_num(adj["margin_below"], lang) in pages[6]


def test_official_deck_has_no_mark(bundled_ds, bundled_prov, tmp_path, output_dir):
    official = official_view(bundled_ds, bundled_prov, load_published())
    ss = slides(official, bundled_prov, "30", 2022, "vi", 10, "63")
    pages = render(deck_bytes(ss, "vi"), "deck_vi_2022_official", tmp_path, output_dir)
    assert len(pages) == 8
    assert not any(t("mark.illustrative", "vi") in p for p in pages)
    assert "13/63" in pages[0] and "0,6383" in pages[0]
