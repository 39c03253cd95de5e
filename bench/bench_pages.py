"""Per-page cost with the bundled data, what a viewer feels and what the server pays.

1. Page switches in headless chromium on a warm server: click in the sidebar -> first chart
   drawn (target <= 1.5x) and -> page settled (script idle, every chart drawn; target
   <= 2.5x), for every page, against a bare two-page Streamlit app with one plotly chart per
   page (bench/apps/floor_two_pages.py) started in the same run. Best of ``SWITCHES`` clicks.
2. Server-side rerun of every page (pytest-benchmark over AppTest, bench/pytest_reruns.py)
   against a bare page drawing the same figures, prebuilt (target <= 2x).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import Row, register
from bench.browser import REPO, VIEWPORT, init_db, settle, switch, wait_up
from bench.pytest_reruns import PAGES

SWITCHES = 3
FIRST_TARGET, SETTLED_TARGET, RERUN_TARGET = 1.5, 2.5, 2.0
TITLES = {  # the sidebar link texts in Vietnamese (i18n/strings.csv nav.*)
    "overview": "Tổng quan",
    "rankings": "Xếp hạng",
    "profile": "Hồ sơ tỉnh",
    "compare": "So sánh",
    "map": "Bản đồ",
    "methodology": "Phương pháp",
    "present": "Trình chiếu",
}


@register
def page_reruns() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reruns.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(REPO / "bench" / "pytest_reruns.py"),
                "-q",
                "-p",
                "no:cacheprovider",
                f"--benchmark-json={out}",
                "--benchmark-columns=min,median,rounds",
            ],
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        found = json.loads(out.read_text())["benchmarks"]
    best = {(b["params"]["page"], b["params"]["kind"]): b for b in found}
    rows = []
    for page in PAGES:
        ours, floor = best[page, "ours"], best[page, "floor"]
        n = ours["extra_info"]["charts"]
        rows.append(
            Row(
                f"server rerun: {page}",
                ours["stats"]["min"],
                f"bare page, same {n} figures prebuilt",
                floor["stats"]["min"],
                RERUN_TARGET,
            )
        )
    return rows


@register
def page_switches_in_browser() -> list[Row]:
    from playwright.sync_api import sync_playwright

    from bench.bench_app import ARGS, serve

    first: dict[str, float] = {}
    settled: dict[str, float] = {}
    errors = 0
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        env = init_db(tmp)
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        app, port = serve(REPO / "dashboard.py", env)
        flo, fport = serve(REPO / "bench" / "apps" / "floor_two_pages.py", env)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            wait_up(page, f"http://127.0.0.1:{fport}/")
            settle(page, "/")
            for _ in range(SWITCHES):
                for name, text, path in (("floor", "B", "/b"), ("floor", "A", "/")):
                    f, s, e = switch(page, text, path)
                    first[name] = min(first.get(name, f), f)
                    settled[name] = min(settled.get(name, s), s)
                    errors += e
            page.close()

            page = browser.new_page(viewport=VIEWPORT)
            wait_up(page, f"http://127.0.0.1:{port}/?lang=vi")
            # From the overview round the pages; the presentation hides the sidebar, so it
            # comes last and each round starts again from the address bar.
            order = [p for p in PAGES if p not in ("overview", "present")]
            order += ["overview", "present"]
            for _ in range(SWITCHES):
                page.goto(f"http://127.0.0.1:{port}/?lang=vi")
                settle(page, "/")
                for name in order:
                    f, s, e = switch(page, TITLES[name], f"/{name}")
                    first[name] = min(first.get(name, f), f)
                    settled[name] = min(settled.get(name, s), s)
                    errors += e
            page.close()
        finally:
            for proc in (app, flo):
                proc.terminate()
                proc.wait(timeout=30)
            browser.close()
    rows = []
    for name in PAGES:
        floor_name = "bare 2-page app, 1 chart"
        rows.append(
            Row(
                f"switch -> first chart: {name}",
                first[name],
                floor_name,
                first["floor"],
                FIRST_TARGET,
            )
        )
        rows.append(
            Row(
                f"switch -> settled: {name}",
                settled[name],
                floor_name,
                settled["floor"],
                SETTLED_TARGET,
            )
        )
    if errors:
        rows.append(Row(f"page switches: {errors} error boxes shown", 1.0, "none", 0.0, 0.0))
    return rows
