"""The deck draws a DeckData record and computes nothing: charts/deck.py imports nothing
from metrics/, and a record built by hand (three provinces) renders to slides and PPTX.
The footer names the sources of the province's own figures."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from app.deck import deck_source
from charts.deck import INTERNAL_SLIDE_KEY, SLIDE_KEYS, draw, source_line
from charts.export import deck_bytes, figure_image
from domain.deck import DeckData, DeckSource, InternalData
from domain.framework import Framework, Indicator
from domain.profile import (
    IndexStanding,
    PeerNames,
    Profile,
    Standing,
    Target,
    Trend,
    YearOnYear,
)
from i18n import t
from metrics.method import unit_sources

REPO = Path(__file__).resolve().parents[1]
NAMES = {"01": "Alpha", "02": "Beta", "03": "Gamma"}


def test_charts_deck_imports_nothing_from_metrics():
    tree = ast.parse((REPO / "charts" / "deck.py").read_text(encoding="utf-8"))
    mods = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    mods |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert mods, "the walk sees the imports"
    assert "domain.deck" in mods
    assert not [m for m in mods if m.split(".")[0] in {"metrics", "data", "app"}], mods


def _framework() -> Framework:
    ind = [
        Indicator("gov", "pillar", 400.0, (), "Chính quyền số", "Digital government"),
        Indicator("econ", "pillar", 300.0, (), "Kinh tế số", "Digital economy"),
        Indicator("soc", "pillar", 300.0, (), "Xã hội số", "Digital society"),
        Indicator("dti", "total", None, (), "DTI", "DTI"),
    ]
    return Framework(2024, tuple(ind), basis="Decision 1/2024 (example)")


def _profile() -> Profile:
    yoy = YearOnYear(
        prev_edition=2023, dti_change=0.05, rank_change=1, comparable=True,
        contributions={"gov": 0.04, "econ": -0.01, "soc": 0.02}, rounding=0.0,
        overtook_us=[], we_overtook=["Alpha"], own_effect=1, others_effect=0,
    )  # fmt: skip
    return Profile(
        province="Beta", province_code="02", unit_set="63", year=2024,
        framework_assumed=False, dti=0.6, dti_basis="stored", dti_rank=2, n=3,
        percentile=0.5, tier=2, tier_label="Second", region="Đồng bằng sông Hồng",
        region_code="DBSH", region_rank=1, region_n=2,
        pillars={"gov": Standing(0.7, 1), "econ": Standing(0.5, 2), "soc": Standing(0.55, 3)},
        main_indices={"gov": IndexStanding("Digital government", 0.7, 1)}, yoy=yoy,
        gap_to_next_rank=0.1, gap_to_previous_rank=0.05, gap_to_leader=0.1,
        diff_to_mean=0.0, diff_to_median=0.0, gap_to_region_best=0.0,
        strengths=["gov"], weaknesses=["soc"], rank_interval_90=[1, 3],
        statistically_tied=[],
        trend=Trend(2023, 0.05, None, False, 2, 2024, 3, 2023),
        target=Target(rank=1, score=0.7, gap=0.1, reached=False, kth_province="Gamma",
                      feasible=True, plan={"econ": 0.1}),
        peers=PeerNames(region=["Beta", "Alpha"], above=["Gamma"], below=["Alpha"],
                        similar=[]),
    )  # fmt: skip


def _deck(internal: InternalData | None = None) -> DeckData:
    scores = {("01", 2023): 0.5, ("02", 2023): 0.55, ("03", 2023): 0.65,
              ("01", 2024): 0.52, ("02", 2024): 0.6, ("03", 2024): 0.7}  # fmt: skip
    rank = {("01", 2023): 3, ("02", 2023): 2, ("03", 2023): 1,
            ("01", 2024): 3, ("02", 2024): 2, ("03", 2024): 1}  # fmt: skip
    field = pd.DataFrame(
        [{"edition": e, "province_code": c, "score": s, "rank": rank[(c, e)], "n": 3,
          "kind": "published"} for (c, e), s in scores.items()]
    )  # fmt: skip
    traj = field[field["province_code"] == "02"].drop(columns="province_code")
    traj = traj.assign(rank_kind="published", median=[0.55, 0.6], min=[0.5, 0.52],
                       max=[0.65, 0.7], leader_code="03", leader_score=[0.65, 0.7])  # fmt: skip
    shares = pd.DataFrame(
        [{"edition": 2024, "unit_set": "63", "n": 12, "published": 12, "uploaded": 0,
          "derived": 0, "pro-forma": 0, "illustrative": 0, "share_published": 1.0,
          "share_uploaded": 0.0, "share_derived": 0.0, "share_pro-forma": 0.0,
          "share_illustrative": 0.0}]
    )  # fmt: skip
    return DeckData(
        code="02", edition=2024, unit_set="63", lang="en", profile=_profile(),
        framework=_framework(),
        labels={"gov": "Digital government", "econ": "Digital economy",
                "soc": "Digital society", "dti": "DTI"},
        names=NAMES, region="Red River Delta",
        source=DeckSource(["example.org"], "published"), illustrative=True,
        trajectory=traj, field=field, prev_score=0.55,
        top_contributions=[("gov", 0.04), ("soc", 0.02), ("econ", -0.01)],
        index_matrix=None, peer_paths=field.assign(rank_kind="published"),
        radar=pd.DataFrame({"indicator": ["gov", "econ", "soc"], "score": [0.7, 0.5, 0.55],
                            "mean": [0.6, 0.5, 0.6], "region_best": [0.7, 0.5, 0.55],
                            "leader": [0.65, 0.75, 0.7]}),
        scores_complete=True,
        ladder=pd.DataFrame({"rank": [1], "target_score": [0.7], "gap": [0.1],
                             "holder": ["Gamma"]}),
        adjacent={"above": ["03"], "above_rank": 1, "above_score": 0.7, "margin_above": 0.1,
                  "to_pass": 0.1001, "below": ["01"], "below_rank": 3, "below_score": 0.52,
                  "margin_below": 0.08, "tied": []},
        shares=shares, own_shares=shares.iloc[0], internal=internal,
    )  # fmt: skip


def _internal() -> InternalData:
    shown = pd.DataFrame({"rank": [1, 2], "unit_code": ["a", "b"], "unit": ["Dept A", "Dept B"],
                          "score": [90.0, 80.5],
                          "self_score": [92.0, 85.0], "max_points": [100.0, 100.0]})  # fmt: skip
    return InternalData(
        title="Department index", year=2025, prev_year=2024, n=2, shown=shown,
        leaders=["Dept A"], leader_score=90.0, last_unit="Dept B", last_score=80.5, gap=9.5,
        gains=pd.DataFrame({"unit": ["Dept B"], "score_change": [3.25]}),
    )  # fmt: skip


def test_a_hand_built_deck_data_draws_every_slide():
    ss = draw(_deck())
    assert [s.key for s in ss] == list(SLIDE_KEYS)
    assert [s.number for s in ss] == list(range(1, 9))
    head = ss[0]
    assert head.title == "Beta: DTI 2024 results"
    assert head.numbers[:3] == [
        "Rank: 2/3",
        "DTI score: 0.6000",
        "Since 2023: rank +1 places, score +0.0500",
    ]
    assert all(s.source == "Source: example.org · the province's DTI 2024: Published" for s in ss)
    mark = t("mark.illustrative", "en")
    assert all(s.illustrative and s.notes.startswith(f"{mark}. ") for s in ss)
    why = ss[3]
    assert why.numbers[0] == (
        "Largest contributions: Digital government +0.0400; Digital society +0.0200; "
        "Digital economy \u22120.0100"
    )
    assert list(why.data["indicator"]) == ["gov", "econ", "soc"]
    assert ss[6].numbers[0] == (
        "Rank 1 needs a DTI of 0.7000: 0.1000 more points (now held by Gamma)"
    )
    assert "Alpha" in " ".join(ss[6].numbers[1:])  # the province just below
    assert ss[7].numbers[-1] == t("deck.method_line", "en")


def test_a_hand_built_deck_with_its_internal_slide_renders_to_pptx():
    ss = draw(_deck(_internal()))
    assert len(ss) == 9 and ss[8].key == INTERNAL_SLIDE_KEY and ss[8].number == 9
    assert ss[8].numbers == [
        "First: Dept A (90.00 points)",
        "Last: Dept B (80.50 points, 9.50 behind)",
        "Biggest gains on 2024: Dept B (+3.25)",
    ]
    png = figure_image(ss[0].figure, "png", 200, 120)  # the layout is tested, not pictures
    prs = Presentation(io.BytesIO(deck_bytes(ss, "en", [png] * len(ss))))
    assert len(prs.slides) == 9
    mark = t("mark.illustrative", "en")
    for spec, sl in zip(ss, prs.slides, strict=True):
        assert sl.shapes.title.text == spec.title
        body = "\n".join(sh.text_frame.text for sh in sl.shapes if sh.has_text_frame)
        assert all(line in body for line in spec.numbers)
        pics = [sh for sh in sl.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pics) == 1
        marks = [sh for sh in sl.shapes if sh.has_text_frame and sh.text_frame.text == mark]
        assert len(marks) == (1 if spec.illustrative else 0)


# ------------------------------------------------------------------ the footer's sources


def test_the_footer_names_the_sources_of_the_provinces_own_figures(bundled_prov):
    # Hải Dương 2024 is illustrative: the Đà Nẵng/Quảng Nam article the edition's only
    # published scores come from (demo1022.hasontech.vn) is not its source
    hd24 = deck_source(bundled_prov, "30", 2024, "63")
    assert (hd24.sites, hd24.kind) == ([], "illustrative")
    assert source_line(hd24, 2024, "en") == (
        "Source: no published source for the province's figures of this year"
        " · the province's DTI 2024: Illustrative"
    )
    # ... and it is Đà Nẵng's (2024) and Hải Dương's own (2020, 2022) where they published
    assert deck_source(bundled_prov, "48", 2024, "63").sites == ["demo1022.hasontech.vn"]
    assert deck_source(bundled_prov, "30", 2020, "63").sites == ["tab.baohaiduong.vn"]
    hd22 = deck_source(bundled_prov, "30", 2022, "63")
    assert (hd22.sites, hd22.kind) == (["dti.gov.vn", "mic.gov.vn"], "published")
    assert source_line(hd22, 2022, "vi") == (
        "Nguồn: dti.gov.vn, mic.gov.vn · DTI 2022 của tỉnh: Đã công bố"
    )


def test_an_uploaded_figure_names_its_file():
    prov = pd.DataFrame(
        {"edition": 2025, "unit_set": "34", "province_code": ["31", "31", "31", "01"],
         "indicator": ["dti", "awareness", "gov", "dti"],
         "source": ["uploaded", "upload:DTI_2025_34.xlsx · v2", "illustrative", "https://x.vn/a"],
         "kind": ["uploaded", "uploaded", "illustrative", "published"]}
    )  # fmt: skip
    assert unit_sources(prov, "31", 2025, "34") == ["DTI_2025_34.xlsx · v2"]
    assert deck_source(prov, "31", 2025, "34").kind == "uploaded"
    assert unit_sources(prov, "01", 2025, "34") == ["x.vn"]
