"""The presentation page in a real browser: navigation by buttons and keys, URL, screenshots."""

import re

import pytest

pytestmark = pytest.mark.e2e
CHART = '[data-testid="stPlotlyChart"] .main-svg'
TITLE = ".st-key-slide h1"

EXPECTED = {
    # slide -> title start, per language (from i18n/strings.csv)
    "vi": {1: "Hải Dương: kết quả DTI", 3: "Ba trụ cột", 4: "Vì sao thứ hạng", 5: "Đối thủ"},
    "en": {1: "Hải Dương: DTI", 3: "The three pillars", 4: "Why did we move", 5: "Rivals"},
}
NAV = {"vi": ("Trình chiếu", "Sau ▶"), "en": ("Presentation", "Next ▶")}


def slide_in_url(url: str) -> int:
    m = re.search(r"[?&]slide=(\d+)", url)
    assert m, url
    return int(m.group(1))


def wait_slide(page, number: int, start: str) -> None:  # noqa: ANN001 (a playwright Page)
    """Until slide ``number`` is drawn: its title, then the counter below the chart (the
    script draws top to bottom, so the chart above it is new too), then the chart."""
    page.wait_for_function(
        "([sel, s]) => { const h = document.querySelector(sel);"
        " return h && h.innerText.startsWith(s); }",
        arg=[TITLE, start],
        timeout=30_000,
    )
    page.wait_for_function(
        "([n]) => { const c = document.querySelector('.st-key-counter');"
        " return c && (c.innerText.match(/[0-9]+/) || [])[0] === String(n); }",
        arg=[number],
        timeout=30_000,
    )
    page.wait_for_selector(CHART, timeout=30_000)
    page.wait_for_timeout(600)  # plotly finishes its transition before the screenshot


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_presentation_navigation(app_server, browser, output_dir, lang):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_server}/?lang={lang}")
    page.wait_for_selector(CHART, timeout=60_000)
    link, next_label = NAV[lang]
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=link).click()
    wait_slide(page, 1, EXPECTED[lang][1])
    assert page.locator('[data-testid="stException"]').count() == 0
    assert slide_in_url(page.url) == 1 and f"lang={lang}" in page.url
    # Presentation mode: no sidebar on screen.
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.screenshot(path=str(output_dir / f"present_{lang}_1.png"))
    first = page.locator(TITLE).inner_text()

    for expected in (2, 3):
        page.get_by_role("button", name=next_label).click()
        page.wait_for_function(
            f"() => /[?&]slide={expected}(&|$)/.test(location.search)", timeout=30_000
        )
    wait_slide(page, 3, EXPECTED[lang][3])
    assert slide_in_url(page.url) == 3
    assert page.locator(TITLE).inner_text() != first
    page.screenshot(path=str(output_dir / f"present_{lang}_3.png"))

    # Keyboard: the arrow key and a clicker's PageDown both advance.
    page.keyboard.press("ArrowRight")
    wait_slide(page, 4, EXPECTED[lang][4])
    assert slide_in_url(page.url) == 4
    page.screenshot(path=str(output_dir / f"present_{lang}_4.png"))
    page.keyboard.press("PageDown")
    wait_slide(page, 5, EXPECTED[lang][5])
    assert slide_in_url(page.url) == 5
    page.screenshot(path=str(output_dir / f"present_{lang}_5.png"))

    # A copied link reopens the same slide.
    other = browser.new_page(viewport={"width": 1366, "height": 768})
    other.goto(page.url)
    wait_slide(other, 5, EXPECTED[lang][5])
    other.close()
    page.close()
