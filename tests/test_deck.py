"""The DT Day deck: slide specs, PPTX, PNG/SVG export, briefing, CLI, presentation page."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from streamlit.testing.v1 import AppTest

from app.dataset import build_dataset
from app.deck import slides
from charts.__main__ import main as cli_main
from charts.briefing import briefing_docx
from charts.deck import SLIDE_KEYS
from charts.export import deck_bytes, figure_image, slide_images
from data.store import load_bundle
from i18n import fmt_int, fmt_num, fmt_rank, t
from metrics.profile import build_profile
from metrics.provenance import provenance

REPO = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def ds():
    return build_dataset(load_bundle())


@pytest.fixture(scope="module")
def prov(ds):
    return provenance(ds.values, ds.scores, ds.frameworks)


@pytest.fixture(scope="module")
def decks(ds, prov):
    """Hải Dương 2024, target 10, in both languages: slides, rendered PNGs and the PPTX."""
    out = {}
    for lang in ("vi", "en"):
        ss = slides(ds, prov, "30", 2024, lang, 10, "63")
        images = slide_images(ss)
        out[lang] = (ss, images, Presentation(io.BytesIO(deck_bytes(ss, lang, images))))
    return out


def texts(slide) -> str:  # noqa: ANN001
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pptx_has_eight_slides_with_picture_title_source_notes(decks, lang):
    ss, images, prs = decks[lang]
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    assert len(prs.slides) == 8 == len(ss)
    assert [s.key for s in ss] == list(SLIDE_KEYS)
    for spec, sl, png in zip(ss, prs.slides, images, strict=True):
        assert png.startswith(PNG_MAGIC)
        pics = [sh for sh in sl.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pics) == 1
        assert sl.shapes.title.text == spec.title
        body = texts(sl)
        assert spec.source in body
        for line in spec.numbers:
            assert line in body
        assert sl.notes_slide.notes_text_frame.text == spec.notes and spec.notes


def test_titles_are_in_the_chosen_language(decks):
    vi = [s.shapes.title.text for s in decks["vi"][2].slides]
    en = [s.shapes.title.text for s in decks["en"][2].slides]
    assert vi[0] == "Hải Dương: kết quả DTI 2024" and en[0] == "Hải Dương: DTI 2024 results"
    assert vi[3] == "Vì sao thứ hạng thay đổi?" and en[3] == "Why did we move?"
    assert vi[7] == "Nguồn số liệu và phương pháp" and en[7] == "Sources and method"
    assert all(a != b for a, b in zip(vi, en, strict=True))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_numbers_equal_the_metrics_results(ds, decks, lang):
    p = build_profile(ds, "30", 2024, "63", target_rank=10, lang=lang)
    ss, _, prs = decks[lang]
    head = texts(prs.slides[0])
    assert fmt_rank(p["dti_rank"], p["n"], lang) in head
    assert fmt_num(p["dti"], lang) in head
    # 2024's points are assumed, so its change against 2023 is not comparable (issue 10):
    # the rank change is shown, the score change is not
    assert p["yoy"]["comparable"] is False and p["yoy"]["dti_change"] is None
    assert (
        t(
            "deck.change_rank_only",
            lang,
            prev=2023,
            rank=fmt_int(p["yoy"]["rank_change"], lang, signed=True),
        )
        in head
    )
    # the profile itself agrees with the ranked table
    r = ds.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    assert p["dti_rank"] == int(r.loc[(2024, "63", "30", "dti"), "rank"])
    pillars = texts(prs.slides[2])
    for pil in ("gov", "econ", "soc"):
        assert fmt_num(p["pillars"][pil]["score"], lang) in pillars
        assert fmt_rank(p["pillars"][pil]["rank"], p["n"], lang) in pillars
    why = texts(prs.slides[3])
    for name in p["yoy"]["overtook_us"]:
        assert name in why
    target = texts(prs.slides[6])
    assert fmt_num(p["target"]["score"], lang) in target
    assert fmt_num(p["target"]["gap"], lang) in target
    assert p["target"]["kth_province"] in target
    rivals = texts(prs.slides[4])
    assert all(n in rivals for n in p["peers"]["above"][:2] + p["peers"]["below"][:2])


def test_vietnamese_uses_the_decimal_comma(decks):
    import re

    head = decks["vi"][0][0].numbers
    assert any(re.search(r"\b0,\d{4}\b", line) for line in head)
    assert not any(re.search(r"\b0\.\d{4}\b", line) for line in head)


def test_editions_not_comparable_say_so_and_merged_set_works(ds, prov):
    ss = slides(ds, prov, "30", 2021, "en", 10, "63")
    assert ss[3].numbers[0] == (
        "2020 and 2021 use different methods: the change cannot be split by index."
    )
    first = slides(ds, prov, "30", 2020, "vi", 10, "63")
    assert first[3].numbers == ["Chưa có năm trước để so sánh"]
    merged = slides(ds, prov, "31", 2024, "vi", 10, "34")
    p = build_profile(ds, "31", 2024, "34", target_rank=10)
    assert merged[0].title.startswith("Hải Phòng")
    assert fmt_rank(p["dti_rank"], 34, "vi") in merged[0].numbers[0]
    assert len(merged) == 8


def test_png_and_svg_export_keep_title_and_source(decks):
    spec = decks["en"][0][1]
    png = figure_image(spec.figure, "png")
    assert png.startswith(PNG_MAGIC)
    svg = figure_image(spec.figure, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert spec.figure.layout.title.text in svg
    assert "Source:" in svg
    vi_svg = figure_image(decks["vi"][0][1].figure, "svg").decode("utf-8")
    assert "Điểm DTI của Hải Dương" in vi_svg and "Nguồn:" in vi_svg


def test_briefing_docx(decks):
    ss, images, _ = decks["vi"]
    doc = Document(io.BytesIO(briefing_docx(ss, "vi", images[0])))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Hải Dương: kết quả DTI 2024" in body
    for heading in (
        "Kết quả",
        "Vì sao thay đổi",
        "Đối thủ và nhóm tương đồng",
        "Khoảng cách tới mục tiêu",
    ):
        assert heading in body
    assert "Thứ hạng: 13/63" in body
    assert len(doc.inline_shapes) == 1


def test_cli_writes_a_deck(tmp_path):
    out = tmp_path / "deck.pptx"
    brief = tmp_path / "brief.docx"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "charts",
            "deck",
            "--province",
            "hai duong",
            "--year",
            "2024",
            "--lang",
            "en",
            "--target",
            "5",
            "--out",
            str(out),
            "--briefing",
            str(brief),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        env={
            "DTI_DB_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
        },
    )
    assert proc.returncode == 0, proc.stderr
    prs = Presentation(str(out))
    assert len(prs.slides) == 8
    assert prs.slides[6].shapes.title.text == "What it takes to reach rank 5"
    assert Document(str(brief)).paragraphs[0].text == "Hải Dương: DTI 2024 results"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--province", "Hai Dung", "--year", "2024"], 1, "Hải Dương"),
        (["--province", "Hải Dương", "--year", "2019"], 1, "2020, 2021"),
        (["--province", "Hải Dương", "--year", "2024", "--target", "64"], 1, "từ 1 đến 63"),
        (["--province", "Hải Dương"], 2, "--year"),
        (["--province", "x", "--year", "2024", "--lang", "fr"], 2, "--lang"),
    ],
)
def test_cli_invalid_input_and_usage(tmp_path, monkeypatch, capsys, argv, code, message):
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    full = ["deck", *argv, "--out", str(tmp_path / "x.pptx")]
    try:
        rc = cli_main(full)
    except SystemExit as exc:
        rc = exc.code
    assert rc == code
    err = capsys.readouterr().err
    assert message in err
    assert not (tmp_path / "x.pptx").exists()


# ------------------------------------------------------------------ the presentation page


@pytest.fixture
def app_env(fresh_app):
    """A fresh store and empty caches (conftest's ``fresh_app``)."""


def run_present(lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.query_params.update({"lang": lang, **params})
    at.switch_page(str(REPO / "views" / "present.py"))
    return at.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_present_page_navigates_and_keeps_the_slide_in_the_url(app_env, ds, prov, lang):
    expected = slides(ds, prov, "30", 2024, lang, 10, "63")
    at = run_present(lang)
    assert not at.exception, at.exception
    assert at.title[0].value == expected[0].title
    assert at.query_params["slide"] == "1"
    body = "\n".join(m.value for m in at.markdown)
    for line in expected[0].numbers:
        assert line in body
    assert len(at.get("plotly_chart")) == 1
    at.button(key="next").click().run()
    at.button(key="next").click().run()
    assert at.query_params["slide"] == "3"
    assert at.title[0].value == expected[2].title
    at.button(key="prev").click().run()
    assert at.query_params["slide"] == "2" and at.title[0].value == expected[1].title


def test_present_page_opens_a_linked_slide_with_its_target(app_env):
    at = run_present("en", slide="7", target="5", edition="2023")
    assert not at.exception, at.exception
    assert at.title[0].value == "What it takes to reach rank 5"
    assert any("Slide 7 of 8" in m.value for m in at.markdown)
    at = run_present("vi", slide="99")
    assert at.query_params["slide"] == "8"
    assert at.title[0].value == "Nguồn số liệu và phương pháp"


def test_present_settings_are_drawn_only_while_their_menu_is_open(app_env):
    at = run_present("en", edition="2023", target="5")
    assert not at.exception, at.exception
    assert len(at.selectbox) == 0 and len(at.number_input) == 0  # closed: no widgets
    assert at.query_params["edition"] == "2023" and at.query_params["target"] == "5"
    closed_title = at.title[0].value
    at.session_state["present_settings"] = True  # the user opens the menu
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.selectbox] == ["30", "63", 2023]  # province, unit, edition
    assert at.number_input(key="target").value == 5
    assert at.title[0].value == closed_title  # the same slide either way
    at.selectbox(key="q_edition").select(2022)
    at.toggle(key="present_auto").set_value(True)
    at.run()
    assert at.query_params["edition"] == "2022"
    at.session_state["present_settings"] = False  # closed again: the choices stay
    at.run()
    assert not at.exception, at.exception
    assert len(at.selectbox) == 0
    assert at.query_params["edition"] == "2022" and at.query_params["target"] == "5"
    assert at.session_state["_present_auto"] is True  # auto-advance runs on, menu closed
    at.run()
    assert at.session_state["_present_auto"] is True and at.query_params["edition"] == "2022"
