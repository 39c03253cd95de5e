"""Upload workflow in a real browser, and two app servers sharing one PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from conftest import start_app
from test_upload import XLSX, home_rank, workbook

from data.auth import hash_password
from data.ingest import parse
from data.store import Store

pytestmark = pytest.mark.e2e
PASSWORD = "mật khẩu thử nghiệm e2e"
KPI = '[data-testid="stMetricValue"]'
WAIT = 60_000


@pytest.fixture(scope="module")
def e2e_hash() -> str:
    return hash_password(PASSWORD, n=2**14)


def rank_shown(page, base: str) -> str:
    page.goto(f"{base}/?lang=vi")  # the default page is served at the root URL
    page.wait_for_selector(KPI, timeout=WAIT)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=WAIT)
    return page.locator(KPI).first.inner_text().strip()


def sign_in(page, base: str, name: str = "Cán bộ Sở") -> None:
    page.goto(f"{base}/login?lang=vi")
    page.get_by_label("Họ tên (ghi vào nhật ký thay đổi)").fill(name)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_selector("text=Đang đăng nhập với tài khoản:", timeout=WAIT)
    sidebar = page.locator('[data-testid="stSidebar"]')
    # The caption and the name are separate elements: wait for the name, not just the caption.
    # the name as typed, without the store's "password:" prefix (issue 17)
    who = sidebar.get_by_text(name, exact=True)
    who.wait_for(timeout=WAIT)
    assert who.count() == 1


def nav_to(page, label: str) -> None:
    """Follow a sidebar link: stays in the same session (a reload starts a new one, and
    the role lives in the session)."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).first.click()


def upload(page, name: str, data: bytes) -> None:
    nav_to(page, "Tải lên số liệu")
    page.wait_for_selector("text=Tải lên số liệu DTI", timeout=WAIT)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    page.wait_for_selector("text=Kết quả kiểm tra", timeout=WAIT)


def confirm(page) -> None:
    page.get_by_text("Tôi đã xem trước và muốn lưu").click()
    page.get_by_role("button", name="Lưu thành phiên bản mới").click()
    page.wait_for_selector("text=Đã lưu phiên bản", timeout=WAIT)


def test_upload_workflow_in_browser(browser, output_dir, tmp_path, e2e_hash):
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    env = {"DTI_UPLOAD_PASSWORD_HASH": e2e_hash, "DTI_CONFIG_DIR": str(tmp_path / "cfg")}
    with start_app(db, env) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        viewer = browser.new_page(viewport={"width": 1366, "height": 800})
        # 1. A fresh server's very first request goes straight to the uploader's URL.
        page.goto(f"{base}/upload?lang=vi")
        page.wait_for_selector("text=Đăng nhập để cập nhật số liệu", timeout=WAIT)
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        page.screenshot(path=str(output_dir / "upload_anonymous_direct_url.png"))
        # The navigation lists no upload or versions page for a viewer.
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Tải lên số liệu" not in nav and "Phiên bản" not in nav
        assert "Đăng nhập cán bộ" in nav and "shared" not in nav
        page.goto(f"{base}/versions?lang=vi")
        page.wait_for_selector("text=Đăng nhập để cập nhật số liệu", timeout=WAIT)
        assert page.get_by_text("Các phiên bản số liệu").count() == 0
        before = rank_shown(viewer, base)

        # 2. Sign in; the admin pages appear.
        sign_in(page, base)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Tải lên số liệu" in nav and "Phiên bản và khôi phục" in nav

        # 3. A valid file: report, preview with rank changes, confirm; rankings change.
        upload(page, "dti_2024.xlsx", workbook())
        page.wait_for_selector("text=Thứ hạng DTI sẽ thay đổi", timeout=WAIT)
        page.set_viewport_size({"width": 1366, "height": 1500})  # the app scrolls inside
        page.wait_for_function(
            "document.querySelectorAll('[data-testid=\"stDataFrame\"] canvas').length >= 3",
            timeout=WAIT,
        )
        page.wait_for_timeout(1000)  # the grid paints its canvas after mounting
        page.screenshot(path=str(output_dir / "upload_valid_preview.png"))
        page.set_viewport_size({"width": 1366, "height": 900})
        confirm(page)
        page.screenshot(path=str(output_dir / "upload_stored.png"))
        after = rank_shown(viewer, base)
        assert after == "1/63" and before != after
        viewer.screenshot(path=str(output_dir / "upload_overview_after.png"))

        # 4. A broken file: located errors, nothing stored, data unchanged.
        upload(page, "hong.xlsx", workbook(cells={"C5": "abc"}))
        page.wait_for_selector("text=Các vấn đề tìm thấy", timeout=WAIT)
        page.wait_for_selector("text=Chưa có gì được lưu", timeout=WAIT)
        assert page.get_by_role("button", name="Lưu thành phiên bản mới").count() == 0
        page.screenshot(path=str(output_dir / "upload_broken_report.png"), full_page=True)
        assert rank_shown(viewer, base) == "1/63"

        # 5. Roll back to the bundled version from the versions page.
        nav_to(page, "Phiên bản và khôi phục")
        page.wait_for_selector("text=Các phiên bản số liệu", timeout=WAIT)
        page.locator('[data-testid="stSelectbox"]').nth(0).click()
        page.get_by_role("option", name="DTI 2024 (63 tỉnh, thành phố)").click()
        page.locator('[data-testid="stSelectbox"]').nth(1).click()
        page.get_by_role("option", name="Phiên bản 1").click()
        page.get_by_text("Tôi đã kiểm tra và muốn khôi phục").click()
        page.get_by_role("button", name="Khôi phục phiên bản này").click()
        page.wait_for_selector("text=Đã khôi phục phiên bản 1", timeout=WAIT)
        page.screenshot(path=str(output_dir / "versions_rolled_back.png"), full_page=True)
        assert rank_shown(viewer, base) == before
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
        viewer.close()
    log = Store(db).audit_log()
    assert log["action"].tolist()[:2] == ["rollback", "import"]
    assert set(log["user"].tolist()[:2]) == {"password:Cán bộ Sở"}


@pytest.fixture
def fresh_pg(pg_url: str) -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    name = f"dti_two_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.mark.pg
def test_two_servers_share_one_postgresql(browser, output_dir, fresh_pg, tmp_path, e2e_hash):
    env = {"DTI_UPLOAD_PASSWORD_HASH": e2e_hash, "DTI_CONFIG_DIR": str(tmp_path / "cfg")}
    store = Store(fresh_pg)
    with start_app(fresh_pg, env) as one, start_app(fresh_pg, env) as two:
        a = browser.new_page(viewport={"width": 1366, "height": 800})
        b = browser.new_page(viewport={"width": 1366, "height": 800})
        original = rank_shown(a, one)
        assert rank_shown(b, two) == original  # both processes warm their caches
        assert original == f"{home_rank(store)}/63"

        # A write made outside either server (the store API) shows in both.
        up = parse(workbook(), "dti_2024.xlsx", use_saved_mappings=False)
        store.import_version(
            2024, "63", up.values, file_name="dti_2024.xlsx", file_bytes=workbook(), user="test"
        )
        assert rank_shown(b, two) == "1/63"
        assert rank_shown(a, one) == "1/63"
        store.rollback(2024, "63", 1, user="test")
        assert rank_shown(a, one) == original

        # A real upload through server one is seen by server two on its next rerun.
        sign_in(a, one)
        upload(a, "dti_2024_b.xlsx", workbook(home_value=0.995))
        confirm(a)
        assert rank_shown(b, two) == "1/63"
        b.screenshot(path=str(output_dir / "two_servers_second_sees_upload.png"))
        assert [v.number for v in store.versions(2024, "63")] == [1, 2, 3]
        a.close()
        b.close()
