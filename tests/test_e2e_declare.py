"""Declaring a new edition in a real browser (issue 10), in both languages: a 2025 file
for the 34 provinces, built from the app's own 2025 template with points that differ from
2024's, is uploaded; the page says 2025 has no framework, recovers the points from the
file and shows the fit; confirming stores the framework and the values together; the
overview then leads with Hải Phòng ranked among 34 in 2025."""

from __future__ import annotations

import pytest
from conftest import start_app
from edition_fixtures import POINTS_2025, results_2025
from test_e2e_upload import PASSWORD, WAIT, e2e_hash  # noqa: F401 - a fixture
from test_upload import XLSX

from data import frameworks as f
from data.provinces import provinces
from data.store import Store
from i18n import t

pytestmark = pytest.mark.e2e
KPI = '[data-testid="stMetricValue"]'


def sign_in(page, base: str, lang: str, name: str) -> None:
    page.goto(f"{base}/login?lang={lang}")
    page.get_by_label(t("auth.name", lang)).fill(name)
    page.get_by_label(t("auth.password", lang), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("auth.submit", lang), exact=True).click()
    # the sidebar shows the name as typed, without the store's "password:" prefix (issue 17)
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).wait_for(timeout=WAIT)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_declare_and_upload_a_new_edition(browser, output_dir, tmp_path, e2e_hash, lang):  # noqa: F811
    data, dti, ranks = results_2025()
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    env = {"DTI_UPLOAD_PASSWORD_HASH": e2e_hash, "DTI_CONFIG_DIR": str(tmp_path / "cfg")}
    with start_app(db, env) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 1400})
        sign_in(page, base, lang, "Cán bộ Sở")
        page.locator('[data-testid="stSidebarNav"] a').filter(
            has_text=t("nav.upload", lang)
        ).first.click()
        page.wait_for_selector(f"text={t('upload.title', lang)}", timeout=WAIT)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "DTI_2025_34.xlsx", "mimeType": XLSX, "buffer": data}]
        )
        # the page says 2025 has no framework and offers to declare it, points from the file
        page.wait_for_selector(f"text={t('declare.title', lang, year=2025)}", timeout=WAIT)
        page.get_by_text(t("declare.method.recover", lang)).wait_for(timeout=WAIT)
        fit = page.get_by_text(t("declare.fit", lang, rows=34, residual="X", worst="Y")[:20])
        fit.first.wait_for(timeout=WAIT)
        page.wait_for_selector(f"text={t('upload.summary', lang)}", timeout=WAIT)
        page.wait_for_timeout(1000)  # the grids paint after mounting
        page.screenshot(path=str(output_dir / f"declare_2025_{lang}.png"), full_page=True)
        assert (2025, "34") not in f.edition_unit_sets(Store(db))  # nothing stored yet
        page.get_by_text(t("upload.confirm_check", lang, n=1)).click()
        page.get_by_role("button", name=t("upload.confirm", lang)).click()
        stored = t("upload.stored", lang, number=1, edition=2025, n="34")
        page.wait_for_selector(f"text={stored[:30]}", timeout=WAIT)
        assert page.locator('[data-testid="stException"]').count() == 0
        # the overview leads with the latest edition: Hải Phòng among 34 in 2025
        page.goto(f"{base}/?lang={lang}")
        page.wait_for_selector(KPI, timeout=WAIT)
        assert page.locator(KPI).first.inner_text().strip() == f"{ranks['Hải Phòng']}/34"
        page.screenshot(path=str(output_dir / f"overview_2025_{lang}.png"), full_page=True)
        page.close()
    s = Store(db)
    fw = f.framework(2025, "34", store=s)
    assert fw.status == "declared" and fw.points == {k: float(v) for k, v in POINTS_2025.items()}
    assert fw.user == "password:Cán bộ Sở"
    from app.dataset import load_dataset

    r = load_dataset(s).ranked
    part = r[(r["edition"] == 2025) & (r["unit_set"] == "34") & (r["indicator"] == "dti")]
    name = {p.code: p.name for p in provinces("34")}
    got = {name[c]: int(k) for c, k in zip(part["province_code"], part["rank"], strict=True)}
    assert got == ranks  # exact competition ranks, the tie included
