"""No stale screens, in a real browser: a language switch relabels every select box, the
chosen edition carries to the next page, and download menus are never cut off."""

import pytest

pytestmark = pytest.mark.e2e
CHART = '[data-testid="stPlotlyChart"] .main-svg'
BOXES = '[data-testid="stSelectbox"]'
HAS_TEXT = (
    "([sel, want]) => [...document.querySelectorAll(sel)].some(b => (b.textContent +"
    " [...b.querySelectorAll('input')].map(i => i.value).join(' ')).includes(want))"
)


def box_texts(page) -> list[str]:  # noqa: ANN001
    """Each select box's label and shown value (the value may sit in an input)."""
    return page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].map(b => b.textContent + ' ' +"
        " [...b.querySelectorAll('input')].map(i => i.value).join(' '))",
        BOXES,
    )


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_language_switch_relabels_and_edition_carries(
    app_server, browser, output_dir, width, height
):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app_server}/profile?lang=vi&edition=2022&unit=63")
    page.wait_for_selector(CHART, timeout=90_000)
    # The select boxes may be drawn a moment after the first chart: wait for the label, then read.
    page.wait_for_function(
        HAS_TEXT, arg=[BOXES, "63 tỉnh, thành phố (trước sáp nhập)"], timeout=60_000
    )
    texts = box_texts(page)
    assert any("63 tỉnh, thành phố (trước sáp nhập)" in x for x in texts), texts
    page.locator('[data-testid="stSidebar"] label').filter(has_text="English").click()
    page.wait_for_function("() => /[?&]lang=en/.test(location.search)", timeout=30_000)
    page.wait_for_function(HAS_TEXT, arg=[BOXES, "63 provinces (pre-merger)"], timeout=90_000)
    page.wait_for_selector(CHART, timeout=60_000)
    texts = " ".join(box_texts(page))
    assert "tỉnh, thành phố" not in texts and "2022" in texts
    page.screenshot(path=str(output_dir / f"stale_profile_en_{width}.png"))

    # The edition chosen here opens the next page (the page switch drops the URL's query).
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Rankings").click()
    page.wait_for_url("**/rankings**", timeout=30_000)
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_function("() => /[?&]edition=2022/.test(location.search)", timeout=30_000)
    assert any(x.strip().endswith("2022") for x in box_texts(page))

    # Download menus: one compact button under each chart, its label whole.
    menus = page.locator('[data-testid="stPopover"] button').filter(has_text="Download")
    menus.first.wait_for(timeout=30_000)  # drawn a moment after the chart above it
    assert menus.count() >= 1
    for i in range(menus.count()):
        fits = menus.nth(i).evaluate(
            "b => [...b.querySelectorAll('p, span')].every(e => e.scrollWidth <= e.clientWidth + 1)"
            " && b.innerText.includes('Download')"
        )
        assert fits, i
    # The menu's buttons are built when it opens (a rerun): they appear, with their labels.
    menus.first.click()
    items = page.locator('[data-testid="stDownloadButton"] button')
    items.filter(has_text="Download PNG").first.wait_for(timeout=30_000)
    labels = items.all_inner_texts()
    assert any("Download SVG" in x for x in labels), labels
    page.screenshot(path=str(output_dir / f"stale_rankings_en_{width}.png"))
    page.close()
