"""The upload page declares a new edition (issue 10, AppTest): a 2025 file for the 34
provinces, points recovered from the file, the fit shown, stored with the upload in one
transaction; the assumed 2024 framework replaced by hand; the forced-year refusal."""

from __future__ import annotations

import json

import pytest
from edition_fixtures import POINTS_2025, results_2025
from test_auth import app_env  # noqa: F401 - a fixture
from test_upload import XLSX, logged_in, pw_hash, table, uploader  # noqa: F401 - fixtures

from data import frameworks as f
from data.store import Store


def test_declare_from_file_and_upload_in_one_go(uploader):  # noqa: F811
    data, dti, ranks = results_2025()
    at = logged_in()
    at.get("file_uploader")[0].upload("DTI_2025_34.xlsx", data, XLSX)
    at.run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == "New DTI edition: declare the 2025 framework"
    fit = [d.value for d in at.dataframe if "Estimate" in d.value.columns][0]
    assert dict(zip(fit["Index code"], fit["Points"].astype(int), strict=True)) == POINTS_2025
    assert table(at, "upload_summary")["Status"].tolist() == ["Valid"]
    assert (2025, "34") not in f.edition_unit_sets()  # nothing stored before confirming
    at.checkbox(key="upload_ok_0").check().run()
    at.button(key="upload_go_0").click().run()
    assert not at.exception, at.exception
    fw = f.framework(2025, "34")
    assert fw.status == "declared" and fw.points == {k: float(v) for k, v in POINTS_2025.items()}
    assert fw.basis_line("en").startswith("declared by password:Anh Minh on ")
    s = Store()
    assert [v.number for v in s.versions(2025, "34")] == [1]
    log = s.audit_log()
    assert {"framework_declare", "import"} <= set(log["action"].head(2))
    v = s.load_values()
    part = v[(v["edition"] == 2025) & (v["indicator"] == "dti")]
    assert len(part) == 34


def test_declare_refuses_an_invalid_hand_framework_and_stores_nothing(uploader):  # noqa: F811
    data, _, _ = results_2025()
    at = logged_in()
    at.get("file_uploader")[0].upload("DTI_2025_34.xlsx", data, XLSX)
    at.run()
    at.radio(key="decl_0_0_method").set_value("hand").run()
    at.number_input(key="decl_0_0_pts_awareness").set_value(0.0).run()
    assert not at.exception, at.exception
    msgs = [d.value for d in at.dataframe if "Message" in d.value.columns][0]["Message"].tolist()
    assert any("DTI 2025 / awareness: indicator awareness has no points" in m for m in msgs)
    # points by hand equal to 2024's: the file's totals do not match them -> located errors
    at.number_input(key="decl_0_0_pts_awareness").set_value(100.0).run()
    report = table(at, "upload_problems")
    assert "TOTAL" not in " ".join(report["Message"]) and any(
        "the components give" in m for m in report["Message"]
    )
    assert table(at, "upload_summary")["Status"].tolist() == ["Has errors – cannot be stored"]
    assert (2025, "34") not in f.edition_unit_sets()


def test_forced_year_refused_then_confirmed(uploader):  # noqa: F811
    data, _, _ = results_2025()
    at = logged_in()
    at.selectbox(key="upload_year").set_value(2024).run()
    at.get("file_uploader")[0].upload("DTI_2025_34.xlsx", data, XLSX)
    at.run()
    report = table(at, "upload_problems")
    assert any(
        "The chosen year (2024) differs from the year in the file's title (2025)" in m
        for m in report["Message"]
    )
    assert table(at, "upload_summary")["Status"].tolist() == ["Has errors – cannot be stored"]


def test_replace_the_assumed_2024_framework_by_hand(uploader):  # noqa: F811
    at = logged_in()
    assert f.framework(2024).assumed
    at.selectbox(key="rep_0_ed").set_value(2024).run()
    at.number_input(key="rep_0_pts_awareness").set_value(120.0).run()
    at.number_input(key="rep_0_pts_institutions").set_value(80.0).run()
    at.text_input(key="rep_0_basis").input("QĐ 405/QĐ-BKHCN phụ lục (điểm chính thức)").run()
    at.checkbox(key="rep_0_sure").check().run()
    at.button(key="rep_0_go").click().run()
    assert not at.exception, at.exception
    fw = f.framework(2024)
    assert not fw.assumed and fw.status == "declared"
    assert fw.points["awareness"] == 120 and fw.points["institutions"] == 80
    assert f.framework(2024, "34").points == fw.points  # every unit set of the edition
    log = Store().audit_log()
    rep = log[log["action"] == "framework_replace"]
    assert set(rep["user"]) == {"password:Anh Minh"}
    assert json.loads(rep.iloc[0]["detail"])["replaced"]["status"] == "assumed"
    assert "The 2024 framework was replaced" in at.success[0].value


@pytest.mark.parametrize("year", [2026, 2027])
def test_template_for_a_future_year(uploader, year):  # noqa: F811
    at = logged_in()
    at.selectbox(key="tpl_0_year").set_value(year).run()
    assert not at.exception, at.exception
    assert "the latest one (2024)" in at.caption[-1].value or any(
        "the latest one (2024)" in c.value for c in at.caption
    )
