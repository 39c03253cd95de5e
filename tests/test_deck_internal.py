"""The optional DT Day slide on the province's own ranking (top, bottom, biggest gains)."""

from __future__ import annotations

import pytest
from assessment_fixtures import departments, per_unit_workbook
from pptx import Presentation

from app.assessments import import_file
from app.deck import internal_slide
from charts.__main__ import main as cli_main
from charts.deck import INTERNAL_SLIDE_KEY
from data.assessments_store import AssessmentStore
from data.store import Store
from metrics.assessment import change_vs_previous, rank_units

KEY = "so-nganh"


def _two_years(published_2025: bool = True) -> None:
    s = Store()
    s.init()
    a = AssessmentStore(s)
    before = departments()
    before[5].appraised["6.2"] = 20.0  # BQL KCN was far lower in 2024 ...
    for year, depts in ((2024, before), (2025, departments())):
        out = import_file(
            s, per_unit_workbook(depts), f"hd{year}.xlsx", KEY, year, user="it",
            register_units=True, title="Chỉ số CĐS cấp sở",
        )  # fmt: skip
        assert out.stored is not None
        if year == 2024 or published_2025:
            a.set_published(KEY, year, True, "it")


def test_internal_slide_spec_top_bottom_gains(tmp_path, monkeypatch):
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'd.db'}")
    _two_years()
    a = AssessmentStore(Store())
    cur, prev = a.load(KEY, 2025), a.load(KEY, 2024)
    assert cur is not None and prev is not None
    r25 = rank_units(cur.nodes, cur.values, cur.units)
    ch = change_vs_previous(r25, rank_units(prev.nodes, prev.values, prev.units))
    bql = departments()[5]
    gain = bql.appraised["6.2"] - 20.0
    slide = internal_slide(9, cur.title, 2025, r25, ch, "vi", 2024)
    assert slide.key == INTERNAL_SLIDE_KEY and slide.number == 9
    assert slide.numbers[0] == "Dẫn đầu: Sở Nội vụ, Sở Tư pháp (359,50 điểm)"
    assert (
        slide.numbers[1]
        == "Cuối bảng: Ban Quản lý các khu công nghiệp tỉnh (328,00 điểm, kém 31,50 điểm)"
    )
    assert slide.numbers[2] == (
        "Tăng nhiều nhất so với năm 2024: Ban Quản lý các khu công nghiệp tỉnh "
        f"(+{gain:.2f})".replace(".", ",")
    )
    assert list(slide.data["unit"])[:2] == ["Sở Nội vụ", "Sở Tư pháp"]
    en = internal_slide(9, cur.title, 2025, r25, None, "en")
    assert en.numbers[2] == "No earlier year on the same scheme to compare with."


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_deck_cli_adds_the_internal_slide(tmp_path, monkeypatch, lang):
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'd.db'}")
    _two_years()
    out = tmp_path / "deck.pptx"
    code = cli_main(
        ["deck", "--province", "Hải Dương", "--year", "2024", "--lang", lang,
         "--internal", KEY, "--internal-year", "2025", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    prs = Presentation(str(out))
    assert len(prs.slides) == 9
    text = "\n".join(sh.text_frame.text for sh in prs.slides[8].shapes if sh.has_text_frame)
    first = "Dẫn đầu" if lang == "vi" else "First"
    assert f"{first}: Sở Nội vụ, Sở Tư pháp" in text
    assert "Ban Quản lý các khu công nghiệp tỉnh" in text


def test_deck_cli_refuses_an_unpublished_internal_edition(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'd.db'}")
    _two_years(published_2025=False)
    code = cli_main(
        ["deck", "--province", "Hải Dương", "--year", "2024", "--internal", KEY,
         "--internal-year", "2025", "--out", str(tmp_path / "x.pptx")]
    )  # fmt: skip
    assert code == 1
    assert "so-nganh" in capsys.readouterr().err
    assert not (tmp_path / "x.pptx").exists()


def test_profile_cli_reports_the_change_on_the_previous_year(tmp_path, monkeypatch, capsys):
    import json

    from metrics.__main__ import main as metrics_main

    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'd.db'}")
    _two_years()
    unit = "Ban Quản lý các khu công nghiệp tỉnh"
    assert (
        metrics_main(["profile", "--assessment", KEY, "--unit", unit, "--year", "2025", "--json"])
        == 0
    )
    prof = json.loads(capsys.readouterr().out)
    gain = departments()[5].appraised["6.2"] - 20.0
    assert prof["change"] == {
        "prev_year": 2024,
        "score_change": gain,
        "rank_change": 0,
        "main_indices": {"1": 0.0, "2": 0.0, "3": 0.0, "4": 0.0, "5": 0.0, "6": gain},
    }
    assert (
        metrics_main(["profile", "--assessment", KEY, "--unit", unit, "--year", "2024", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["change"] is None
