"""Cold start of the dashboard in a real browser against a bare one-chart page.

Process start -> first plotly chart drawn in headless Debian chromium. As with `make run`,
the store is initialised and seeded (`python -m data init`) before the app process starts;
the app's time then includes loading, scoring and ranking every edition and provenance.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Row, register

REPO = Path(__file__).resolve().parents[1]
CHART = '[data-testid="stPlotlyChart"] .main-svg'
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """Start ``streamlit run script`` on a free loopback port (no browser, no watcher)."""
    port = _port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, port


def cold_start(script: Path, browser, env: dict[str, str]) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    proc, port = serve(script, env)
    try:
        page = browser.new_page()
        deadline = time.monotonic() + 90
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/", timeout=2000)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        page.wait_for_selector(CHART, timeout=90_000)
        elapsed = time.perf_counter() - start
        page.close()
        return elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@register
def app_cold_start() -> list[Row]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ours, floor = float("inf"), float("inf")
        for _ in range(3):
            with tempfile.TemporaryDirectory() as tmp:
                env = {**os.environ, "DTI_DB_URL": f"sqlite:///{tmp}/bench.db"}
                subprocess.run(
                    [sys.executable, "-m", "data", "init"],
                    cwd=REPO,
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                ours = min(ours, cold_start(REPO / "dashboard.py", browser, env))
            floor = min(
                floor,
                cold_start(REPO / "bench" / "apps" / "floor_chart.py", browser, dict(os.environ)),
            )
        browser.close()
    return [
        Row(
            "app cold start -> first chart (browser)",
            ours,
            "bare streamlit page, one chart",
            floor,
            1.5,
        )
    ]
