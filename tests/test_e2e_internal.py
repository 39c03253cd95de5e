"""Internal assessments in a real browser: upload -> publish -> the public page, vi and en."""

from __future__ import annotations

import pytest
from assessment_fixtures import XLSX, per_unit_workbook
from conftest import start_app
from test_e2e_upload import PASSWORD, WAIT, e2e_hash, nav_to  # noqa: F401

from data.assessments_store import AssessmentStore
from data.store import Store

pytestmark = pytest.mark.e2e
CHART = '[data-testid="stPlotlyChart"] .main-svg'
NAME = "Cán bộ Sở"


def sign_in(page, base: str) -> None:
    """The staff sign-in form; waits until the sidebar names the signed-in user."""
    page.goto(f"{base}/login?lang=vi")
    page.get_by_label("Họ tên (ghi vào nhật ký thay đổi)").fill(NAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_selector("text=Đang đăng nhập với tài khoản:", timeout=WAIT)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(NAME, exact=True).first.wait_for(timeout=WAIT)


def test_upload_publish_public_page(browser, output_dir, tmp_path, e2e_hash):  # noqa: F811
    db = f"sqlite:///{tmp_path / 'e2e_internal.db'}"
    env = {"DTI_UPLOAD_PASSWORD_HASH": e2e_hash, "DTI_CONFIG_DIR": str(tmp_path / "cfg")}
    with start_app(db, env) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 1400})
        viewer = browser.new_page(viewport={"width": 1366, "height": 1400})
        # Nothing published yet: the public page says so.
        viewer.goto(f"{base}/internal?lang=vi")
        viewer.wait_for_selector("text=Chưa có kết quả đánh giá nội bộ", timeout=WAIT)

        # Sign in, switch the upload page to internal assessments, upload, confirm.
        sign_in(page, base)
        nav_to(page, "Tải lên số liệu")
        page.get_by_text("Đánh giá nội bộ (sở, ngành, xã, phường)").click()
        page.wait_for_selector("text=Tải lên kết quả đánh giá nội bộ", timeout=WAIT)
        page.get_by_text("Đăng ký các đơn vị mới có trong tệp").click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "so_nganh_2025.xlsx", "mimeType": XLSX, "buffer": per_unit_workbook()}]
        )
        page.wait_for_selector("text=Tệp hợp lệ: 6 đơn vị, 23 tiêu chí.", timeout=WAIT)
        page.get_by_text("Tôi đã xem trước và muốn lưu").click()
        page.get_by_role("button", name="Lưu thành phiên bản mới").click()
        page.wait_for_selector("text=Đã lưu phiên bản 1 của so-nganh năm 2025", timeout=WAIT)
        page.screenshot(path=str(output_dir / "internal_upload_stored.png"), full_page=True)

        # Still unpublished: viewers see nothing.
        viewer.goto(f"{base}/internal?lang=vi")
        viewer.wait_for_selector("text=Chưa có kết quả đánh giá nội bộ", timeout=WAIT)

        # Publish (explicit, audited).
        page.get_by_role("button", name="Công bố kết quả").click()
        page.wait_for_selector("text=Đã công bố kết quả so-nganh năm 2025", timeout=WAIT)

        # The public page, Vietnamese: ranking chart with the shared first place.
        viewer.goto(f"{base}/internal?lang=vi")
        viewer.wait_for_selector(CHART, timeout=WAIT)
        viewer.wait_for_selector("text=Chuyển đổi số của các cơ quan, đơn vị trong tỉnh")
        svg = viewer.locator('[data-testid="stPlotlyChart"]').first
        svg.get_by_text("1. Sở Nội vụ").wait_for(timeout=WAIT)
        assert svg.get_by_text("1. Sở Tư pháp").count() == 1
        assert svg.get_by_text("359,50").count() == 2
        viewer.screenshot(path=str(output_dir / "internal_public_vi.png"), full_page=True)

        # English, with the unit chosen in the URL.
        viewer.goto(f"{base}/internal?lang=en&unit=so-tai-chinh")
        viewer.wait_for_selector(
            "text=Digital transformation of the province's agencies and units", timeout=WAIT
        )
        viewer.wait_for_selector(CHART, timeout=WAIT)
        charts = viewer.locator('[data-testid="stPlotlyChart"]')
        charts.first.get_by_text("359.50").first.wait_for(timeout=WAIT)
        viewer.get_by_text("Sở Tài chính: points scored and lost per criterion").wait_for(
            timeout=WAIT
        )
        assert charts.count() == 3
        viewer.screenshot(path=str(output_dir / "internal_public_en.png"), full_page=True)
        assert viewer.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
        viewer.close()
    store = Store(db)
    assert [e.published for e in AssessmentStore(store).editions()] == [True]
    log = store.audit_log()
    assert log["action"].tolist()[:2] == ["assessment_publish", "assessment_import"]
    assert set(log["user"].tolist()[:2]) == {"password:Cán bộ Sở"}
