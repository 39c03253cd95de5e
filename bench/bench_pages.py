"""Per-page cost with the bundled data.

1. Server-side run time of each page (AppTest, warm caches: what a page switch costs),
   against a bare page drawing one plotly chart of the same data (target <= 2x).
2. Time to first chart in the browser for each page on a warm server, against the bare
   one-chart page served the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Row, register

REPO = Path(__file__).resolve().parents[1]
PAGES = ["overview", "rankings", "profile", "compare", "map", "methodology", "present"]
FLOOR = REPO / "bench" / "apps" / "floor_chart.py"
CHART = '[data-testid="stPlotlyChart"] .main-svg'


def _best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@register
def page_run_times() -> list[Row]:
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DTI_DB_URL"] = f"sqlite:///{tmp}/bench.db"
        subprocess.run(
            [sys.executable, "-m", "data", "init"], cwd=REPO, check=True, stdout=subprocess.DEVNULL
        )
        floor_at = AppTest.from_file(str(FLOOR), default_timeout=120)
        floor_at.run()
        floor = _best(floor_at.run)
        rows = []
        for page in PAGES:
            at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
            at.query_params["lang"] = "vi"
            at.switch_page(str(REPO / "views" / f"{page}.py"))
            at.run()  # warms the dataset cache
            ours = _best(at.run)
            rows.append(Row(f"page run (warm): {page}", ours, "bare one-chart page", floor, 2.0))
    return rows


@register
def page_first_chart_in_browser() -> list[Row]:
    from playwright.sync_api import sync_playwright

    from bench.bench_app import ARGS, serve

    def first_chart(page, url: str) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(CHART, timeout=120_000)
        return time.perf_counter() - start

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        env = {**os.environ, "DTI_DB_URL": f"sqlite:///{tmp}/bench.db"}
        subprocess.run(
            [sys.executable, "-m", "data", "init"],
            cwd=REPO,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        app, port = serve(REPO / "dashboard.py", env)
        flo, fport = serve(FLOOR, env)
        try:
            page = browser.new_page()
            deadline = time.monotonic() + 90
            while True:  # wait for both servers, and warm them
                try:
                    first_chart(page, f"http://127.0.0.1:{port}/")
                    first_chart(page, f"http://127.0.0.1:{fport}/")
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            floor = min(first_chart(page, f"http://127.0.0.1:{fport}/") for _ in range(3))
            for name in PAGES:
                url = f"http://127.0.0.1:{port}/{name}?lang=vi"
                ours = min(first_chart(page, url) for _ in range(2))
                rows.append(
                    Row(f"first chart in browser: {name}", ours, "bare one-chart page", floor, None)
                )
        finally:
            for proc in (app, flo):
                proc.terminate()
                proc.wait(timeout=30)
            browser.close()
    return rows
