"""The presentation on a projector, in a real browser: the chart fills the screen below the
title, no chart text is small, the illustrative mark is large, Exit and Esc leave."""

import pytest

pytestmark = pytest.mark.e2e
CHART = '.st-key-slide [data-testid="stPlotlyChart"] .main-svg'
TITLE = ".st-key-slide h1"
MARK = {"vi": "SỐ LIỆU MINH HỌA – KHÔNG CHÍNH THỨC", "en": "ILLUSTRATIVE FIGURES – NOT OFFICIAL"}
EXIT = {"vi": "Thoát trình chiếu", "en": "Exit presentation"}
PROFILE_TITLE = {"vi": "Hồ sơ", "en": "Province profile"}

# Smallest font size (px) of any SVG text in the slide's chart, and the chart's box.
MEASURE = """() => {
  const svg = document.querySelector('.st-key-slide [data-testid="stPlotlyChart"]');
  const box = svg.getBoundingClientRect();
  let smallest = 1000;
  for (const el of svg.querySelectorAll('text')) {
    if (!el.textContent.trim() || el.getBoundingClientRect().width === 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest) smallest = size;
  }
  const mark = document.querySelector('[class*="st-key-illmark_"] p');
  return {w: box.width, h: box.height, top: box.top, smallest,
          vw: window.innerWidth, vh: window.innerHeight,
          mark: mark ? parseFloat(getComputedStyle(mark).fontSize) : 0,
          markText: mark ? mark.innerText : ''};
}"""


def open_slide(browser, base: str, lang: str, width: int, height: int, slide: int):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}/present?lang={lang}&edition=2024&slide={slide}")
    page.wait_for_selector(CHART, timeout=90_000)
    page.wait_for_timeout(800)  # plotly's transition
    return page


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_projector_sizes_at_1080p(app_server, browser, output_dir, lang):
    for slide in range(1, 9):
        page = open_slide(browser, app_server, lang, 1920, 1080, slide)
        m = page.evaluate(MEASURE)
        page.screenshot(path=str(output_dir / f"projector_{lang}_1920_{slide}.png"))
        assert m["w"] >= 0.55 * m["vw"], (slide, m)
        assert m["h"] >= 0.50 * m["vh"], (slide, m)
        assert m["top"] + m["h"] <= m["vh"], (slide, m)  # the whole chart on screen
        assert m["smallest"] >= 18, (slide, m)
        assert m["mark"] >= 24 and m["markText"] == MARK[lang], (slide, m)
        page.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_exit_button_and_escape_leave_the_presentation(app_server, browser, output_dir, lang):
    page = open_slide(browser, app_server, lang, 1366, 768, 3)
    page.screenshot(path=str(output_dir / f"projector_{lang}_1366_3.png"))
    button = page.get_by_role("button", name=EXIT[lang])
    assert button.is_visible()
    button.click()
    page.wait_for_url("**/profile**", timeout=30_000)
    assert "edition=2024" in page.url and f"lang={lang}" in page.url
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=30_000)
    page.close()

    page = open_slide(browser, app_server, lang, 1920, 1080, 2)
    page.keyboard.press("Escape")
    page.wait_for_url("**/profile**", timeout=30_000)
    page.screenshot(path=str(output_dir / f"projector_{lang}_after_esc.png"))
    page.close()
