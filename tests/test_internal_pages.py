"""The internal-assessment page and upload section (AppTest), both languages."""

from __future__ import annotations

import json

import pytest
from assessment_fixtures import XLSX, departments, per_unit_workbook
from test_auth import app_env  # noqa: F401 - fixture (yields monkeypatch)
from test_pages import run_page
from test_upload import logged_in, pw_hash, uploader  # noqa: F401

from app.assessments import import_file
from data.assessments_store import AssessmentStore
from data.store import Store

KEY = "so-nganh"


def _import(published: bool) -> Store:
    s = Store()
    s.init()
    out = import_file(
        s, per_unit_workbook(), "hd.xlsx", KEY, 2025, user="it", register_units=True,
        title="Chỉ số chuyển đổi số cấp sở",
    )  # fmt: skip
    assert out.stored is not None
    if published:
        AssessmentStore(s).set_published(KEY, 2025, True, "it")
    return s


def _bars(at) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return spec["data"][0]["y"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_published_ranking_with_chart_and_profile(app_env, lang):  # noqa: F811
    _import(published=True)
    at = run_page("internal", lang)
    assert not at.exception, at.exception
    bars = _bars(at)
    # Best at the top (plotly draws the list bottom-up); the tie shares rank 1.
    assert bars[::-1][:2] == ["1. Sở Nội vụ", "1. Sở Tư pháp"]
    assert bars[0] == "6. Ban Quản lý các khu công nghiệp tỉnh"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    texts = spec["data"][0]["text"]
    assert texts[-1] == ("359,50" if lang == "vi" else "359.50")
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # ranking, lost points, self vs appraised
    title = json.loads(charts[1].proto.spec)["layout"]["title"]["text"]
    assert title.startswith("Sở Nội vụ")  # the first unit's profile by default
    metrics = {m.label: m.value for m in at.metric}
    key = "Xếp hạng" if lang == "vi" else "Rank"
    assert metrics[key] == "1/6"


def test_filter_search_and_unit_in_url(app_env):  # noqa: F811
    _import(published=True)
    at = run_page("internal", "en")
    at.text_input(key="internal_q").input("tai chinh").run()
    assert not at.exception
    assert _bars(at) == ["3. Sở Tài chính"]
    assert at.query_params["q"] == ["tai chinh"] or at.query_params["q"] == "tai chinh"
    at.selectbox(key="q_unit").select("so-tai-chinh").run()
    d = {x.name: x for x in departments()}["Sở Tài chính"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Points"] == f"{d.total():.2f}"


def test_unpublished_hidden_from_viewers(app_env):  # noqa: F811
    _import(published=False)
    at = run_page("internal", "vi")
    assert not at.exception
    assert not at.get("plotly_chart")
    assert "Chưa có kết quả đánh giá nội bộ" in at.info[0].value


def test_uploader_uploads_publishes_and_viewer_sees_it(uploader):  # noqa: F811
    at = logged_in("upload")
    at.radio(key="upload_kind").set_value("internal").run()
    at.text_input(key="iupload_key").input(KEY).run()
    at.checkbox(key="iupload_register").check().run()
    at.get("file_uploader")[0].upload("hd.xlsx", per_unit_workbook(), XLSX).run()
    assert not at.exception, at.exception
    assert any("6 units" in s.value for s in at.success)
    at.checkbox(key="iupload_confirm_0").check().run()
    at.button(key="iupload_store").click().run()
    assert any("Stored version 1 of so-nganh 2025" in s.value for s in at.success)
    a = AssessmentStore(Store())
    assert [v.number for v in a.versions(KEY, 2025)] == [1]
    assert a.editions() == []  # not yet published
    at.button(key="internal_publish").click().run()
    assert [e.published for e in a.editions()] == [True]
    log = Store().audit_log()
    assert (
        log.iloc[0]["action"] == "assessment_publish" and log.iloc[0]["user"] == "password:Anh Minh"
    )


def test_upload_section_refuses_over_maximum_with_location(uploader):  # noqa: F811
    _import(published=False)
    before = AssessmentStore(Store()).snapshot()
    at = logged_in("upload")
    at.radio(key="upload_kind").set_value("internal").run()
    bad = per_unit_workbook(score_override=("Sở Y tế", "1.1", "appraised", 21))
    at.get("file_uploader")[0].upload("bad.xlsx", bad, XLSX).run()
    problems = [d.value for d in at.dataframe if "Message" in d.value.columns][0]
    row = problems[problems["Cell"] == "E7"].iloc[0]
    assert row["Sheet"] == "Sở Y tế" and "exceed the maximum of 20.00" in row["Message"]
    assert not [b for b in at.button if b.key == "iupload_store"]
    assert AssessmentStore(Store()).snapshot() == before


def test_change_on_previous_year_and_index_ranks(app_env):  # noqa: F811
    from test_deck_internal import _two_years

    _two_years()
    at = run_page("internal", "en")
    assert not at.exception, at.exception
    ranking = [d.value for d in at.dataframe if "Change on 2024" in d.value.columns][0]
    bql = ranking[ranking["Unit"] == "Ban Quản lý các khu công nghiệp tỉnh"].iloc[0]
    gain = departments()[5].appraised["6.2"] - 20.0
    assert bql["Change on 2024"] == f"+{gain:.2f} (= 0)"  # 312 -> 328: still last
    assert ranking.iloc[0]["Change on 2024"] == "+0.00 (= 0)"
    mains = [
        d.value for d in at.dataframe if "Lost" in d.value.columns and "Rank" in d.value.columns
    ][0]
    assert list(mains["Code"]) == ["1", "2", "3", "4", "5", "6"]
    assert all(r.endswith("/6") for r in mains["Rank"])


@pytest.mark.parametrize("bad", ["abc", "9" * 200, "-3", "<script>alert(1)</script>"])
def test_garbage_url_parameters_fall_back_with_notices(app_env, bad):  # noqa: F811
    from streamlit.testing.v1 import AppTest
    from test_pages import REPO

    from i18n import t

    _import(published=True)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    for k in ("assessment", "year", "unit", "kind"):  # (any short ?q= is a valid search)
        at.query_params[k] = bad
    at.query_params["lang"] = "en"
    at.switch_page(str(REPO / "views" / "internal.py"))
    at.run()
    assert not at.exception, at.exception
    captions = {c.value for c in at.caption}
    for name in ("assessment", "year", "unit", "kind"):
        assert t("url.ignored", "en", name=name) in captions
    assert _bars(at)[::-1][0] == "1. Sở Nội vụ"  # the defaults are shown


def test_main_index_change_on_previous_year(app_env):  # noqa: F811
    from test_deck_internal import _two_years

    _two_years()
    at = run_page("internal", "en")
    at.selectbox(key="q_unit").select("ban-quan-ly-cac-khu-cong-nghiep-tinh").run()
    assert not at.exception
    mains = [
        d.value for d in at.dataframe if "Lost" in d.value.columns and "Rank" in d.value.columns
    ][0]
    gain = departments()[5].appraised["6.2"] - 20.0
    # Only index 6 (Hoạt động chuyển đổi số) moved: its criterion 6.2 rose.
    assert list(mains["Change on 2024"]) == ["+0.00"] * 5 + [f"+{gain:.2f}"]
