"""Rankings' projector view in a real browser (issue 17): every chart text at least 18 px,
top 20 plus the home province, the full list one click away; screenshots kept."""

import pytest

pytestmark = pytest.mark.e2e
CHART = '[data-testid="stPlotlyChart"] .main-svg'
MEASURE = """() => {
  const svg = document.querySelector('[data-testid="stPlotlyChart"]');
  let smallest = 1000;
  const ticks = [];
  for (const el of svg.querySelectorAll('text')) {
    if (!el.textContent.trim() || el.getBoundingClientRect().width === 0) continue;
    smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
  }
  for (const el of svg.querySelectorAll('.ytick text')) ticks.push(el.textContent);
  return {smallest, ticks};
}"""
SHOW_ALL = {"vi": "Xem đủ 63 tỉnh, thành phố", "en": "Show all 63 provinces"}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_rankings_projector_view(app_server, browser, output_dir, lang, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app_server}/rankings?lang={lang}&edition=2024&unit=63&measure=dti")
    page.wait_for_selector(CHART, timeout=90_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .ytick text').length"
        " === 20",
        timeout=30_000,
    )
    got = page.evaluate(MEASURE)
    assert got["smallest"] >= 18, got
    assert "13. Hải Dương" in got["ticks"] and any(t.startswith("1. ") for t in got["ticks"])
    page.screenshot(path=str(output_dir / f"rankings_projector_{lang}_{width}.png"), full_page=True)
    page.get_by_role("button", name=SHOW_ALL[lang]).click()
    page.wait_for_function("() => /[?&]view=chart/.test(location.search)", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .ytick text').length"
        " === 63",
        timeout=60_000,
    )
    page.close()


UNIT_SHOWN = """(label) => {
  const box = [...document.querySelectorAll('[data-testid="stSelectbox"]')]
    .find(b => b.querySelector('label').innerText.trim() === label);
  const value = box.querySelector('input[role="combobox"]');
  return {text: value.value, cut: value.scrollWidth > value.clientWidth + 1};
}"""
LONGEST_UNIT = {  # i18n unit.34_pro_forma, the longest unit-set label
    "vi": ("Nhóm đơn vị", "34 tỉnh, thành phố (quy đổi pro-forma)"),
    "en": ("Unit set", "34 provinces (pro-forma)"),
}
# The profile labels the 34 set the same way in every edition (i18n unit.34).
PROFILE_UNIT = {
    "vi": ("Nhóm đơn vị", "34 tỉnh, thành phố (sau sáp nhập)"),
    "en": ("Unit set", "34 provinces (post-merger)"),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", ["rankings", "profile"])
def test_rankings_unit_set_label_not_cut_at_1366(app_server, browser, lang, path):
    """The unit-set select shows its longest label whole on Rankings and the profile."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_server}/{path}?lang={lang}&edition=2021&unit=34&measure=gov")
    page.wait_for_selector(CHART, timeout=90_000)
    label, text = (LONGEST_UNIT if path == "rankings" else PROFILE_UNIT)[lang]
    assert page.evaluate(UNIT_SHOWN, label) == {"text": text, "cut": False}
    page.close()
