"""Map, compare and methodology in a real browser (Playwright + Debian chromium).

Navigation starts from the app root and uses the sidebar, so it goes through
st.navigation whatever the pages folder is called.
"""

import pytest

pytestmark = pytest.mark.e2e
CHART = '[data-testid="stPlotlyChart"] .main-svg'
NAV = '[data-testid="stSidebarNav"]'

# Pixel position of a tile's centre inside the plotly div (data x = col, y = -row).
TILE_XY = """([x, y]) => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const fl = gd._fullLayout;
  const r = gd.getBoundingClientRect();
  return [r.left + fl._size.l + fl.xaxis.l2p(x), r.top + fl._size.t + fl.yaxis.l2p(y)];
}"""


def open_page(page, base, lang, link_text):
    page.goto(f"{base}/?lang={lang}")
    page.wait_for_selector(CHART, timeout=60_000)  # the overview has drawn
    page.locator(NAV).get_by_text(link_text, exact=True).click()


def wait_ready(page, text):
    page.get_by_text(text).first.wait_for(timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_timeout(800)  # let plotly finish laying out the labels
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize(
    ("lang", "nav", "title"),
    [
        (
            "vi",
            ["Bản đồ", "So sánh", "Phương pháp"],
            ["Bản đồ chỉ số DTI", "So sánh các tỉnh", "Phương pháp"],
        ),
        (
            "en",
            ["Map", "Compare", "Methodology"],
            ["Map of the provinces", "Compare provinces", "Method and sources"],
        ),
    ],
)
def test_map_compare_methodology_in_browser(app_server, browser, output_dir, lang, nav, title):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    for link, heading, name in zip(nav, title, ["map", "compare", "methodology"], strict=True):
        open_page(page, app_server, lang, link)
        wait_ready(page, heading)
        assert f"/{name}" in page.url
        if name == "map":
            chart = page.locator('[data-testid="stPlotlyChart"]').first
            for isl in ("Hoàng Sa", "Trường Sa"):
                assert chart.locator("text", has_text=isl).count() >= 1, isl
        page.screenshot(path=str(output_dir / f"{name}_{lang}.png"))
        # Streamlit scrolls an inner container: shoot each whole chart element as well.
        charts = page.locator('[data-testid="stPlotlyChart"]')
        for i in range(min(charts.count(), 2)):
            charts.nth(i).screenshot(path=str(output_dir / f"{name}_{lang}_chart{i + 1}.png"))
    page.close()


def test_click_on_map_tile_opens_profile(app_server, browser, output_dir):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    open_page(page, app_server, "en", "Map")
    wait_ready(page, "Map of the provinces")
    # Hà Nội sits at row 3, col 5 of the 63-province grid.
    page.locator(CHART).first.scroll_into_view_if_needed()
    x, y = page.evaluate(TILE_XY, [5, -3])
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_url("**/profile?**", timeout=30_000)
    assert "province=01" in page.url and "lang=en" in page.url
    page.wait_for_selector(CHART, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(output_dir / "map_click_profile_en.png"))
    page.close()
