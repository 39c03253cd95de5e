"""The dashboard in a real browser (Playwright + Debian chromium)."""

import pytest

pytestmark = pytest.mark.e2e
CHART = '[data-testid="stPlotlyChart"] .main-svg'


def test_overview_in_browser_and_language_switch(app_server, browser, output_dir):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_server}/overview")
    page.wait_for_selector(CHART, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Hải Dương trong bảng xếp hạng DTI").count() == 1
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text().endswith("/63")
    # the charts are drawn with data: the home line has its 5 editions labelled
    assert page.locator(CHART).count() >= 2
    page.screenshot(path=str(output_dir / "overview_vi.png"))
    # switching language keeps the page and the URL carries the choice
    page.locator('[data-testid="stSidebar"] label').filter(has_text="English").click()
    page.wait_for_selector("text=Hải Dương in the provincial DTI ranking", timeout=30_000)
    page.wait_for_selector(CHART, timeout=30_000)
    assert "/overview" in page.url and "lang=en" in page.url
    page.screenshot(path=str(output_dir / "overview_en.png"))
    # a copied link reopens the same view in English
    other = browser.new_page()
    other.goto(page.url)
    other.wait_for_selector("text=Hải Dương in the provincial DTI ranking", timeout=60_000)
    other.close()
    page.close()


def test_rankings_and_profile_in_browser(app_server, browser, output_dir):
    """Direct links (the URL holds every selection) open the same view in both languages."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_server}/rankings?lang=vi&edition=2022&unit=63&measure=dti&view=table")
    page.get_by_text("Bảng xếp hạng DTI các tỉnh, thành phố").wait_for(timeout=60_000)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(output_dir / "rankings_vi_table.png"))
    page.goto(f"{app_server}/rankings?lang=en&edition=2024&unit=34&measure=dti&view=chart")
    page.get_by_text("DTI rankings of the provinces").wait_for(timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)
    page.locator(CHART).first.locator("text", has_text="Hải Phòng").first.wait_for(timeout=30_000)
    page.screenshot(path=str(output_dir / "rankings_en_chart.png"))
    page.goto(f"{app_server}/profile?lang=en&unit=63&province=30&edition=2023&target=10")
    page.get_by_text("Hải Dương – 2023").wait_for(timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    # wait for the page to settle instead of counting at once (a race under load)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
    charts = '[data-testid="stPlotlyChart"]'
    page.wait_for_function(
        "sel => document.querySelectorAll(sel).length >= 2", arg=charts, timeout=60_000
    )  # the History tab: the score spread and the rank path
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert values[0] == "14/63"  # Hải Dương's 2023 rank in the bundled data
    assert page.locator(charts).count() == 2
    page.screenshot(path=str(output_dir / "profile_en.png"))
    # The other sections are tabs built when opened: each draws its charts.
    for tab, n in (("Strengths and weaknesses", 2), ("Why did the rank move?", 1)):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length === n"
            " && !document.querySelector('[data-stale=\"true\"]')",
            arg=[charts, n],
            timeout=60_000,
        )
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(output_dir / f"profile_en_{n}_{tab[:3]}.png"))
    page.close()
