"""Garbage in the URL in a real browser: the page renders with a notice, no exception."""

import pytest

pytestmark = pytest.mark.e2e
CHART = '[data-testid="stPlotlyChart"] .main-svg'


def test_profile_with_garbage_parameters_in_browser(app_server, browser, output_dir):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_server}/profile?lang=en&target=abc&edition=1999&province=%3Cb%3Ex&unit=9")
    page.wait_for_selector(CHART, timeout=60_000)
    for name in ("target", "edition", "province", "unit"):
        page.get_by_text(f'The address parameter "{name}" was not understood').wait_for(
            timeout=30_000
        )
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()
    page.screenshot(path=str(output_dir / "profile_garbage_url.png"))
    page.close()
