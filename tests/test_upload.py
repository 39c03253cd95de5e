"""Upload and versions pages (AppTest): valid and broken workbooks, mapping, diff, rank
changes, confirm, rollback, audit; and the preview helper."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from ingest_fixtures import OFFICIAL_HEADERS  # noqa: E402
from streamlit.testing.v1 import AppTest
from test_auth import FAST, PASSWORD, app_env, sign_in  # noqa: F401 - app_env is a fixture

from app.preview import rank_changes, with_upload
from data.auth import hash_password
from data.frameworks import framework
from data.ingest import parse
from data.provinces import provinces
from data.store import Store
from metrics.scoring import round4

REPO = Path(__file__).resolve().parents[1]
HOME = "30"  # Hải Dương
HEADERS = OFFICIAL_HEADERS


def workbook(edition: int = 2024, *, home_value: float = 0.999, cells: dict | None = None) -> bytes:
    """The dti.gov.vn detail layout for the 63 provinces: title on row 1, header on row 3,
    provinces from row 4 in code order. Inputs are a fixed pattern, Hải Dương's inputs are
    all ``home_value`` (so it ranks first), dti is recomputed and rounded as published.
    ``cells`` overwrites cells afterwards (e.g. {"C5": "abc"})."""
    fw = framework(edition)
    w = fw.weights("dti")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Xếp hạng chi tiết"
    ws["A1"] = f"KẾT QUẢ XẾP HẠNG CHỈ SỐ DTI CẤP TỈNH NĂM {edition}"
    header = ["Các tỉnh, thành phố trực thuộc TW", *[HEADERS[c] for c in fw.inputs], HEADERS["dti"]]
    for j, h in enumerate(header):
        ws.cell(row=3, column=j + 1, value=h)
    for i, p in enumerate(provinces("63")):
        vals = {
            c: home_value if p.code == HOME else round(0.30 + 0.01 * ((i * 7 + k * 3) % 60), 4)
            for k, c in enumerate(fw.inputs)
        }
        dti = float(round4(sum(w[c] * vals[c] for c in w) / sum(w.values())))
        for j, v in enumerate([p.name, *[vals[c] for c in fw.inputs], dti]):
            ws.cell(row=4 + i, column=j + 1, value=v)
    for ref, v in (cells or {}).items():
        ws[ref] = v
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def uploader(app_env, pw_hash, tmp_path):  # noqa: F811 - the imported fixture
    """An app with a configured password and a private mapping folder."""
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    app_env.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    return app_env


@pytest.fixture(scope="module")
def pw_hash() -> str:
    return hash_password(PASSWORD, **FAST)


def logged_in(page: str = "upload", name: str = "Anh Minh") -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(str(REPO / "views" / f"{page}.py")).run()
    sign_in(at, PASSWORD, name)
    assert at.session_state["dti_role"] == "uploader"
    return at


# AppTest exposes no key for a plain st.dataframe: find each table by a column it has.
TABLES = {
    "upload_summary": "Status",
    "upload_problems": "Message",
    "rank_moves": "New rank",
    "diff": "Difference",
    "versions": "sha256",
}


def table(at: AppTest, key: str) -> pd.DataFrame:
    # the problems report is a wrapped st.table (a long one a st.dataframe)
    found = [d.value for d in [*at.dataframe, *at.table] if TABLES[key] in d.value.columns]
    assert found, f"no dataframe {key!r}"
    return found[0]


def home_rank(store: Store, edition: int = 2024) -> int:
    from app.dataset import build_dataset

    r = build_dataset(store.load_values()).ranked
    row = r[
        (r["edition"] == edition)
        & (r["unit_set"] == "63")
        & (r["province_code"] == HOME)
        & (r["indicator"] == "dti")
    ]
    return int(row["rank"].iloc[0])


# --------------------------------------------------------------------------- preview helper


def test_rank_changes_replace_the_whole_edition(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'p.db'}")
    s.seed_if_empty()
    current = s.load_values()
    up = parse(workbook(), "dti_2024.xlsx", use_saved_mappings=False)
    assert up.ok, [p.message("en") for p in up.problems]
    merged = with_upload(current, [up.values])
    part = merged[(merged["edition"] == 2024) & (merged["unit_set"] == "63")]
    assert set(part["source"]) == {"upload:dti_2024.xlsx"}
    assert len(merged[merged["edition"] == 2023]) == len(current[current["edition"] == 2023])
    moves = rank_changes(current, [up.values])
    assert set(moves["edition"]) == {2024}
    home = moves[(moves["province_code"] == HOME) & (moves["indicator"] == "dti")].iloc[0]
    before = home_rank(s)
    assert home["old_rank"] == before and home["new_rank"] == 1
    assert home["rank_change"] == before - 1
    assert rank_changes(current, []).empty


# --------------------------------------------------------------------------- the pages


def test_valid_upload_preview_confirm_and_audit(uploader, db_url):
    uploader.setenv("DTI_DB_URL", db_url)  # SQLite and a real PostgreSQL
    at = logged_in()
    assert not at.exception, at.exception
    before = home_rank(Store())
    assert before != 1
    at.get("file_uploader")[0].upload("dti_2024.xlsx", workbook(), XLSX)
    at.run()
    assert not at.exception, at.exception
    summary = table(at, "upload_summary")
    assert summary.iloc[0].tolist()[:3] == ["dti_2024.xlsx", 2024, "63"]
    assert summary["Status"].tolist() == ["Valid"]
    moves = table(at, "rank_moves")
    home = moves[moves["Province"] == "Hải Dương"].iloc[0]
    assert home["Current rank"] == str(before) and home["New rank"] == "1"
    assert home["Change"] == f"▲ {before - 1}"
    diff = table(at, "diff")
    assert len(diff) > 0 and {"Current", "New", "Difference"} <= set(diff.columns)
    # Nothing is stored before the confirmation.
    assert len(Store().versions(2024, "63")) == 1
    button = at.button(key="upload_go_0")
    assert button.disabled
    at.checkbox(key="upload_ok_0").check().run()
    at.button(key="upload_go_0").click().run()
    assert not at.exception, at.exception
    assert "Stored version 2 of DTI 2024" in at.success[0].value
    s = Store()
    history = s.versions(2024, "63")
    assert [v.number for v in history] == [1, 2] and history[-1].current
    assert history[-1].user == "password:Anh Minh"
    assert history[-1].file_name == "dti_2024.xlsx"
    assert home_rank(s) == 1
    audit = s.audit_log()
    last = audit.iloc[0]
    assert (last["action"], last["user"], last["edition"]) == ("import", "password:Anh Minh", 2024)
    # The dashboard (cache keyed on the data-version stamp) shows the new rank.
    at.switch_page(str(REPO / "views" / "overview.py")).run()
    assert {m.label: m.value for m in at.metric}["DTI rank 2024"] == "1/63"


def test_broken_workbook_shows_located_errors_and_stores_nothing(uploader):
    at = logged_in()
    broken = workbook(cells={"C5": "abc", "A20": "Tỉnh Không Có"})
    expected = parse(broken, "broken.xlsx", use_saved_mappings=False)
    assert not expected.ok
    at.get("file_uploader")[0].upload("broken.xlsx", broken, XLSX)
    at.run()
    assert not at.exception, at.exception
    report = table(at, "upload_problems")
    # The CLI's messages, located by sheet and cell.
    assert report["Message"].tolist() == [p.message("en") for p in expected.problems]
    bad = report[report["Cell"] == "C5"].iloc[0]
    assert bad["Sheet"] == "Xếp hạng chi tiết" and "not a number" in bad["Message"]
    assert "A20" in report["Cell"].tolist()
    assert table(at, "upload_summary")["Status"].tolist() == ["Has errors – cannot be stored"]
    assert not [b for b in at.button if b.key and b.key.startswith("upload_go")]
    assert "Nothing has been stored" in at.warning[0].value
    assert len(Store().versions(2024, "63")) == 1


def test_unrecognised_header_mapping_is_applied_and_saved(uploader, tmp_path):
    at = logged_in()
    renamed = workbook(cells={"B3": "Nhan thuc (diem)"})  # the awareness column
    at.get("file_uploader")[0].upload("renamed.xlsx", renamed, XLSX)
    at.run()
    assert not at.exception, at.exception
    report = table(at, "upload_problems")
    assert "UNMAPPED" not in " ".join(report["Message"])  # messages, not codes
    assert "Nhan thuc (diem)" in report["Column"].tolist()
    at.selectbox(key="map_0").set_value("awareness")
    [b for b in at.button if b.label == "Apply and check again"][0].click()
    at.run()
    assert not at.exception, at.exception
    assert table(at, "upload_summary")["Status"].tolist() == ["Valid"]
    at.checkbox(key="upload_ok_0").check().run()
    at.button(key="upload_go_0").click().run()
    assert "Stored version 2" in at.success[0].value
    # saved in the store (issue 14), shared by every app process
    from data.mappings_store import stored

    assert stored(Store()).header == {"Nhan thuc (diem)": "awareness"}
    assert not (tmp_path / "config" / "header_mappings.json").exists()


def test_two_files_valid_and_invalid_none_stored(uploader):
    at = logged_in()
    fu = at.get("file_uploader")[0]
    fu.set_value([("good.xlsx", workbook(), XLSX), ("bad.xlsx", workbook(cells={"D10": -3}), XLSX)])
    at.run()
    assert not at.exception, at.exception
    status = dict(
        zip(table(at, "upload_summary")["File"], table(at, "upload_summary")["Status"], strict=True)
    )
    assert status == {"good.xlsx": "Valid", "bad.xlsx": "Has errors – cannot be stored"}
    # One broken file holds back the whole batch: nothing can be confirmed.
    assert "Nothing has been stored" in at.warning[0].value
    assert not [b for b in at.button if b.key and b.key.startswith("upload_go")]


def test_rollback_from_versions_page(uploader, db_url):
    uploader.setenv("DTI_DB_URL", db_url)
    s = Store()
    s.seed_if_empty()
    up = parse(workbook(), "dti_2024.xlsx", use_saved_mappings=False)
    s.import_version(
        2024, "63", up.values, file_name="dti_2024.xlsx", file_bytes=workbook(), user="test"
    )
    assert home_rank(s) == 1
    at = logged_in("versions", name="Chị Hoa")
    assert not at.exception, at.exception
    hist = table(at, "versions")
    assert hist["Version"].tolist() == [1, 2] and hist["Current"].tolist() == ["", "✔"]
    assert hist["File"].tolist()[1] == "dti_2024.xlsx" and len(hist["sha256"][1]) == 64
    assert at.get("download_button")  # the original file of the picked version
    at.selectbox(key="versions_pick").set_value(1).run()
    assert at.button(key=f"rb_{s.versions(2024, '63')[0].id}").disabled
    at.checkbox(key=f"rb_ok_{s.versions(2024, '63')[0].id}").check().run()
    at.button(key=f"rb_{s.versions(2024, '63')[0].id}").click().run()
    assert not at.exception, at.exception
    assert "Version 1 of 2024 is current again" in at.success[0].value
    assert [v.current for v in s.versions(2024, "63")] == [True, False]
    assert home_rank(s) != 1
    log = s.audit_log()
    assert (log.iloc[0]["action"], log.iloc[0]["user"]) == ("rollback", "password:Chị Hoa")


def test_app_never_changes_audit_rows():
    """Append-only from the app: no code outside the store's own insert touches audit."""
    for path in [*REPO.glob("views/*.py"), REPO / "dashboard.py", *REPO.glob("data/*.py")]:
        text = path.read_text(encoding="utf-8")
        for verb in ("audit.update", "audit.delete", "DELETE FROM audit", "UPDATE audit"):
            assert verb not in text, (path, verb)


def test_file_names_are_formula_safe_in_tables(uploader):
    at = logged_in()
    at.get("file_uploader")[0].upload("=HYPERLINK(1).xlsx", workbook(cells={"C5": "x"}), XLSX)
    at.run()
    assert not at.exception, at.exception
    assert table(at, "upload_summary")["File"].tolist() == ["'=HYPERLINK(1).xlsx"]


def test_production_config_hardening():
    import tomllib

    cfg = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text("utf-8"))
    assert cfg["server"]["enableXsrfProtection"] is True
    assert 0 < cfg["server"]["maxUploadSize"] <= 50
    assert cfg["client"]["showErrorDetails"] == "none"
    assert not (REPO / ".streamlit" / "secrets.toml").exists()  # no secret in the repo
    for path in [*REPO.glob("views/*.py"), REPO / "dashboard.py"]:
        assert "unsafe_allow_html" not in path.read_text("utf-8"), path


def test_unknown_province_name_mapping_is_applied_and_saved(uploader, tmp_path):
    at = logged_in()
    renamed = workbook(cells={"A22": "Hai Duong province"})  # row 22 is Hải Dương
    at.get("file_uploader")[0].upload("renamed.xlsx", renamed, XLSX)
    at.run()
    assert not at.exception, at.exception
    report = table(at, "upload_problems")
    assert "A22" in report["Cell"].tolist()
    pick = at.selectbox(key="pmap_0")
    assert pick.label == "Name in the file: Hai Duong province"
    assert pick.options[1] == "Hải Dương (30)"  # the closest suggestion comes first
    pick.set_value("30")
    [b for b in at.button if b.label == "Apply and check again"][0].click()
    at.run()
    assert not at.exception, at.exception
    assert table(at, "upload_summary")["Status"].tolist() == ["Valid"]
    at.checkbox(key="upload_ok_0").check().run()
    at.button(key="upload_go_0").click().run()
    assert "Stored version 2" in at.success[0].value
    # saved in the store (issue 14), shared by every app process, with the version
    from data.mappings_store import stored, version_mappings_of

    assert stored(Store()).province == {"63": {"Hai Duong province": "30"}}
    assert not (tmp_path / "config" / "province_mappings.json").exists()
    v2 = Store().versions(2024, "63")[1]
    assert version_mappings_of(Store(), v2.id).province == {"63": {"Hai Duong province": "30"}}
    assert home_rank(Store()) == 1  # the mapped row is Hải Dương's, and it ranks first


def test_confirm_against_a_stale_preview_is_refused(uploader):
    """Another import lands between the preview the user saw and the click: nothing of
    this upload is stored, the page says so and shows the fresh preview."""
    at = logged_in()
    at.get("file_uploader")[0].upload("mine.xlsx", workbook(home_value=0.999), XLSX)
    at.run()
    at.checkbox(key="upload_ok_0").check().run()
    s = Store()
    other = parse(workbook(home_value=0.5), "other.xlsx")
    from data.ingest import import_result

    assert import_result(s, other, b"other", user="someone", replace=True).status == "created"
    at.button(key="upload_go_0").click().run()
    assert not at.exception, at.exception
    assert "Someone else has just updated this edition" in at.warning[-1].value
    assert [(v.number, v.user) for v in s.versions(2024, "63")] == [(1, "bundle"), (2, "someone")]
    # Confirming again against the preview now shown stores it.
    at.button(key="upload_go_0").click().run()
    assert "Stored version 3 of DTI 2024" in at.success[0].value


def test_an_earlier_file_uploaded_again_is_made_current(uploader):
    """The app and the CLI share one rule: a file identical to a stored version that is
    not current becomes current again (no new version)."""
    first = workbook(home_value=0.999)
    at = logged_in()
    for name, data, nonce in (("a.xlsx", first, 0), ("b.xlsx", workbook(home_value=0.5), 1)):
        at.get("file_uploader")[0].upload(name, data, XLSX)
        at.run()
        at.checkbox(key=f"upload_ok_{nonce}").check().run()
        at.button(key=f"upload_go_{nonce}").click().run()
    at.get("file_uploader")[0].upload("a-again.xlsx", first, XLSX)
    at.run()
    at.checkbox(key="upload_ok_2").check().run()
    at.button(key="upload_go_2").click().run()
    assert not at.exception, at.exception
    assert "already stored (version 2 of DTI 2024" in at.success[0].value
    vs = Store().versions(2024, "63")
    assert [(v.number, v.current) for v in vs] == [(1, False), (2, True), (3, False)]


def test_confirm_while_another_import_holds_the_store(uploader):
    """A concurrent import holding the store longer than the lock timeout: the page says
    "another import is running, try again", stores nothing, and the retry works."""
    uploader.setenv("DTI_LOCK_TIMEOUT_S", "0.5")
    at = logged_in()
    at.get("file_uploader")[0].upload("mine.xlsx", workbook(), XLSX)
    at.run()
    at.checkbox(key="upload_ok_0").check().run()
    holder = Store(lock_timeout_s=30)
    with holder.write() as conn:
        holder._lock_edition(conn, 2024, "63")
        at.button(key="upload_go_0").click().run()
    assert not at.exception, at.exception
    assert "Another import is running; nothing was stored" in at.warning[-1].value
    assert [v.number for v in Store().versions(2024, "63")] == [1]
    at.button(key="upload_go_0").click().run()
    assert "Stored version 2 of DTI 2024" in at.success[0].value


def test_file_that_would_remove_values_is_merged_by_default(uploader):
    """A 2022 file lacks the published pillar totals the store holds: the page warns, and
    merging (the default choice) keeps them in the new version."""
    s = Store()
    s.seed_if_empty()

    def pillars() -> dict:
        v = s.load_values()
        part = v[(v["edition"] == 2022) & v["indicator"].isin(["gov", "econ", "soc"])]
        return {(r.province_code, r.indicator): r.value for r in part.itertuples()}

    before = pillars()
    assert before  # the bundle holds published pillar scores for 2022
    at = logged_in()
    at.get("file_uploader")[0].upload("dti_2022.xlsx", workbook(2022), XLSX)
    at.run()
    assert not at.exception, at.exception
    assert f"would REMOVE {len(before)} current values of DTI 2022" in at.error[0].value
    assert at.radio(key="merge_dti_2022.xlsx_0").value == "merge"
    changes = set(table(at, "diff")["Change"])
    assert "Removed" not in changes and changes <= {"Changed", "Added"}
    at.checkbox(key="upload_ok_0").check().run()
    at.button(key="upload_go_0").click().run()
    assert not at.exception, at.exception
    assert "Stored version 2" in at.success[0].value
    assert pillars() == before  # kept, with their own source
    v = s.load_values()
    assert set(v[(v["edition"] == 2022) & (v["indicator"] == "gov")]["source"]) != {
        "upload:dti_2022.xlsx"
    }
