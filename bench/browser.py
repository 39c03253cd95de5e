"""What a viewer feels, measured inside the browser: click -> first chart, click -> settled.

Timestamps are taken by the page itself (``performance.now()`` in a capture-phase click
listener and a ``requestAnimationFrame`` poll), so Playwright's round trips are not counted.

- **first chart**: the URL path is the clicked page's and a plotly chart that is not stale
  has its ``.main-svg`` (Streamlit removes the previous page's elements on a page switch).
- **settled**: the script is idle (``stApp[data-test-script-state=notRunning]``), nothing
  is stale and every plotly chart on the page has drawn; the state must hold for
  ``HOLD_MS`` so a rerun that starts right after (a fragment, a query-param change) is not
  missed. The time reported is when it first held.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NAV = '[data-testid="stSidebarNav"]'
CHART = '[data-testid="stPlotlyChart"] .main-svg'
VIEWPORT = {"width": 1366, "height": 768}
HOLD_MS = 300
TIMEOUT_MS = 120_000

# Installs window.__bench; the clock starts at the next click (or now, with start=true).
ARM_JS = """([path, start, hold]) => {
  const b = window.__bench = {t0: start ? performance.now() : null, first: null,
                              settled: null, since: null, errors: 0};
  if (!start) document.addEventListener('click', () => {
    if (b.t0 === null) b.t0 = performance.now(); }, {capture: true, once: true});
  const tick = () => {
    const now = performance.now();
    if (b.t0 !== null && location.pathname.endsWith(path)) {
      const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
      const drawn = charts.filter(c => c.querySelector('.main-svg') &&
                                       !c.closest('[data-stale="true"]'));
      if (b.first === null && drawn.length > 0) b.first = now;
      const app = document.querySelector('[data-testid="stApp"]');
      b.errors = document.querySelectorAll('[data-testid="stException"]').length;
      const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelectorAll('[data-stale="true"]').length === 0
        && drawn.length === charts.length && b.first !== null;
      if (!idle) b.since = null;
      else if (b.since === null) b.since = now;
      else if (now - b.since >= hold) { b.settled = b.since; return; }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
DONE_JS = "() => window.__bench && window.__bench.settled !== null"
READ_JS = "() => window.__bench"


def init_db(tmp: str, url: str | None = None) -> dict[str, str]:
    """Environment for an app process on a fresh, seeded store (SQLite in ``tmp`` by default)."""
    env = {**os.environ, "DTI_DB_URL": url or f"sqlite:///{tmp}/bench.db"}
    cmd = [sys.executable, "-m", "data", "init"]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode:  # its log lines only when it failed
        raise RuntimeError(f"data init failed ({done.returncode}):\n{done.stderr}")
    return env


def wait_up(page: Any, url: str, timeout_s: float = 90) -> None:
    """Load ``url`` until the server answers and a chart is drawn (the server is warm)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            page.goto(url, timeout=5000)
            page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def settle(page: Any, path: str) -> None:
    """Wait until the page shown is idle with every chart drawn (no timing)."""
    page.evaluate(ARM_JS, [path, True, HOLD_MS])
    page.wait_for_function(DONE_JS, timeout=TIMEOUT_MS)


def switch(page: Any, link_text: str, path: str) -> tuple[float, float, int]:
    """Click the sidebar link; return (seconds to first chart, seconds to settled, errors)."""
    page.evaluate(ARM_JS, [path, False, HOLD_MS])
    page.locator(NAV).get_by_text(link_text, exact=True).filter(visible=True).click()
    page.wait_for_function(DONE_JS, timeout=TIMEOUT_MS)
    b = page.evaluate(READ_JS)
    return (b["first"] - b["t0"]) / 1000, (b["settled"] - b["t0"]) / 1000, int(b["errors"])


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
