"""Illustrative figures are impossible to miss; "official figures only" hides them."""

import io
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt
from streamlit.testing.v1 import AppTest

from app.dataset import official_view
from app.deck import slides
from charts.export import MARK_PT, deck_bytes, figure_image
from data.store import load_published
from i18n import fmt_num, t
from metrics.official import OFFICIAL_KINDS, figure_is_illustrative, values_illustrative
from metrics.provenance import KINDS

REPO = Path(__file__).resolve().parents[1]
KEY = ["edition", "unit_set", "province_code", "indicator"]
PAGES = ["overview", "rankings", "profile", "compare", "map", "methodology", "present"]


@pytest.fixture(scope="module")
def official(bundled_ds, bundled_prov):
    return official_view(bundled_ds, bundled_prov, load_published())


def at_key(frame: pd.DataFrame, *key: object) -> pd.Series:
    return frame.set_index(KEY).loc[key]


def test_official_view_has_its_own_version_stamp(bundled_ds, official):
    # Caches key on data_version: the two views must never share an entry.
    assert official.data_version == f"{bundled_ds.data_version}:official"


def test_official_kinds_come_from_the_provenance_module():
    assert set(OFFICIAL_KINDS) == {"published", "uploaded"} <= set(KINDS)
    assert "illustrative" not in OFFICIAL_KINDS


def test_official_view_blanks_illustrative_and_keeps_published(bundled_ds, official):
    # Hải Dương 2024: rank 13/63 from the illustrative completion -> blank.
    assert int(at_key(bundled_ds.ranked, 2024, "63", "30", "dti")["rank"]) == 13
    row = at_key(official.ranked, 2024, "63", "30", "dti")
    assert pd.isna(row["score"]) and pd.isna(row["rank"])
    # Its 2024 information-security rank (57/63, illustrative) is gone too.
    assert pd.isna(at_key(official.ranked, 2024, "63", "30", "cybersecurity")["rank"])
    # Hải Dương 2022: score 0.6383 and rank 13 are published -> kept.
    row = at_key(official.ranked, 2022, "63", "30", "dti")
    assert row["score"] == pytest.approx(0.6383) and int(row["rank"]) == 13
    # A published rank without a published score keeps its rank only.
    pub = load_published()
    only_rank = pub[(pub["kind"] == "rank") & (pub["edition"] == 2020)].merge(
        pub[pub["kind"] == "score"][KEY], on=KEY, how="left", indicator=True
    )
    k = only_rank[only_rank["_merge"] == "left_only"].iloc[0]
    row = at_key(official.ranked, k["edition"], k["unit_set"], k["province_code"], k["indicator"])
    assert int(row["rank"]) == int(k["value"])
    # No illustrative stored value survives.
    assert not official.values["source"].eq("illustrative").any()
    n_scores = official.ranked["score"].notna().sum()
    assert 0 < n_scores < bundled_ds.ranked["score"].notna().sum()


def test_marks_follow_the_provenance(bundled_ds, bundled_prov, official):
    pub = load_published()
    assert figure_is_illustrative(bundled_prov, pub, 2024, "63", "30")
    assert not figure_is_illustrative(bundled_prov, pub, 2022, "63", "30")
    assert values_illustrative(bundled_ds.values, "63", 2024)
    assert not values_illustrative(official.values, "63", 2024)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_illustrative_deck_carries_a_large_text_mark_on_every_slide(bundled_ds, bundled_prov, lang):
    ss = slides(bundled_ds, bundled_prov, "30", 2024, lang, 10, "63")
    assert all(s.illustrative for s in ss)
    png = figure_image(ss[0].figure, "png", 200, 120)  # the layout is tested, not pictures
    prs = Presentation(io.BytesIO(deck_bytes(ss, lang, [png] * len(ss))))
    mark = t("mark.illustrative", lang)
    assert mark in ("SỐ LIỆU MINH HỌA – KHÔNG CHÍNH THỨC", "ILLUSTRATIVE FIGURES – NOT OFFICIAL")
    for sl in prs.slides:
        boxes = [sh for sh in sl.shapes if sh.has_text_frame and sh.text_frame.text == mark]
        assert len(boxes) == 1, "one mark per slide, as slide text"
        assert boxes[0].shape_type != MSO_SHAPE_TYPE.PICTURE
        sizes = [r.font.size for p in boxes[0].text_frame.paragraphs for r in p.runs]
        assert sizes and all(sz is not None and sz >= Pt(20) for sz in sizes)
        assert MARK_PT >= 20
        # the mark does not overlap the title
        title = sl.shapes.title
        assert boxes[0].top >= title.top + title.height


def test_official_deck_states_only_official_figures(bundled_ds, bundled_prov, official):
    ss = slides(official, bundled_prov, "30", 2022, "vi", 10, "63")
    assert not any(s.illustrative for s in ss)
    body = "\n".join(line for s in ss for line in s.numbers)
    assert "13/63" in body and fmt_num(0.6383, "vi") in body
    # Illustrative 2022 main-index values of Hải Dương appear nowhere.
    ill = bundled_prov[
        (bundled_prov["edition"] == 2022)
        & (bundled_prov["province_code"] == "30")
        & (bundled_prov["kind"] == "illustrative")
    ]
    r = bundled_ds.ranked.set_index(KEY)
    for ind in ill["indicator"]:
        v = r.loc[(2022, "63", "30", ind), "score"]
        assert fmt_num(v, "vi") not in body, ind
    with pytest.raises(KeyError):  # no official 2024 DTI for Hải Dương: nothing to state
        slides(official, bundled_prov, "30", 2024, "vi", 10, "63")


# ------------------------------------------------------------------ pages


def run_page(page: str, lang: str = "vi", **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.query_params.update({"lang": lang, **params})
    at.switch_page(str(REPO / "views" / f"{page}.py"))
    return at.run()


def marks(at: AppTest, lang: str) -> int:
    return sum(m.value == t("mark.illustrative", lang) for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_the_official_view(fresh_app, page):
    at = run_page(page, "en", official="1", edition="2022")
    assert not at.exception, at.exception
    assert marks(at, "en") == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_present_page_marks_and_asks_before_downloading(fresh_app, lang):
    at = run_page("present", lang, edition="2024")
    assert not at.exception, at.exception
    assert marks(at, lang) == 1
    assert not at.get("download_button")  # lazy: built only while the menu is open
    at.session_state["present_downloads"] = True  # the user opens the downloads menu
    at.run()
    pptx = at.get("download_button")
    dl = [b for b in pptx if b.proto.label == t("present.pptx", lang)][0]
    assert dl.proto.disabled
    box = [c for c in at.checkbox if c.label == t("present.confirm_illustrative", lang)][0]
    at = box.check().run()
    dl = [b for b in at.get("download_button") if b.proto.label == t("present.pptx", lang)][0]
    assert not dl.proto.disabled
    # The exit button is there, bound to Esc.
    exit_btn = [b for b in at.button if b.label == t("present.exit", lang)][0]
    assert exit_btn.proto.shortcut.lower() in ("escape", "esc")


def test_profile_marks_headline_strengths_and_why(fresh_app):
    at = run_page("profile", "vi", edition="2024")
    assert not at.exception, at.exception
    assert marks(at, "vi") == 3
    at = run_page("profile", "vi", edition="2024", official="1")
    assert not at.exception, at.exception
    assert marks(at, "vi") == 0
    assert any(w.value == t("official.no_data", "vi") for w in at.warning)
