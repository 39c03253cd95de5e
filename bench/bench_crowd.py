"""A room opening the link at once: ``CROWD`` browser sessions open the profile together,
against the same crowd on the bare one-chart page (bench/apps/floor_chart.py) served the
same way in the same run.

Each session is its own browser context (own cookies and connections, as separate people
are). Reported: the time until the LAST session has settled (script idle, every chart
drawn; target <= 2x the floor crowd), sessions that failed or showed an error box
(target 0), and the server's resident memory after the crowd has left against its warm
level (one session served and gone; target: back within ``RSS_SLACK_MB``).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time

from bench import Row, register
from bench.browser import ARM_JS, DONE_JS, HOLD_MS, REPO, TIMEOUT_MS, VIEWPORT, init_db, rss_mb

CROWD = int(os.environ.get("BENCH_CROWD", "20"))
CROWD_TARGET = 2.0
RSS_SLACK_MB = 50.0
CROWD_TIMEOUT_MS = 4 * TIMEOUT_MS  # a session slower than this counts as failed
SETTLE_AFTER_S = 10.0  # let the server close the sessions and collect before reading RSS


async def _one(browser, url: str, path: str, start: float, say: bool = True) -> float | None:  # type: ignore[no-untyped-def]
    """Open ``url`` in a fresh context; seconds from ``start`` to settled, None on failure."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await ctx.new_page()
        await page.goto(url, timeout=CROWD_TIMEOUT_MS)
        await page.evaluate(ARM_JS, [path, True, HOLD_MS])
        await page.wait_for_function(DONE_JS, timeout=CROWD_TIMEOUT_MS)
        done = time.perf_counter() - start
        b = await page.evaluate("() => window.__bench")
        return None if b["errors"] else done
    except Exception as exc:  # a failed session is counted, and said
        if say:
            print(f"crowd session failed: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
        return None
    finally:
        await ctx.close()


async def _crowd(browser, url: str, path: str, n: int, say: bool = True) -> list[float | None]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    return await asyncio.gather(*(_one(browser, url, path, start, say) for _ in range(n)))


async def _measure(n: int) -> dict[str, dict[str, float]]:
    from playwright.async_api import async_playwright

    from bench.bench_app import ARGS, serve

    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = init_db(tmp)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            targets = {
                "ours": (REPO / "dashboard.py", "/profile?lang=vi", "/profile"),
                "floor": (REPO / "bench" / "apps" / "floor_chart.py", "/", "/"),
            }
            for name, (script, query, path) in targets.items():
                proc, port = serve(script, env)
                url = f"http://127.0.0.1:{port}{query}"
                try:
                    deadline = time.monotonic() + 90
                    while (await _crowd(browser, url, path, 1, say=False))[
                        0
                    ] is None:  # up and warm
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"{script.name} did not come up")
                        await asyncio.sleep(0.3)
                    await asyncio.sleep(SETTLE_AFTER_S / 2)
                    warm = rss_mb(proc.pid)
                    times = await _crowd(browser, url, path, n)
                    await asyncio.sleep(SETTLE_AFTER_S)
                    ok = [t for t in times if t is not None]
                    out[name] = {
                        "last": max(ok) if ok else float("inf"),
                        "errors": float(len(times) - len(ok)),
                        "warm_mb": warm,
                        "after_mb": rss_mb(proc.pid),
                    }
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
            await browser.close()
    return out


@register
def crowd_on_profile() -> list[Row]:
    m = asyncio.run(_measure(CROWD))
    ours, floor = m["ours"], m["floor"]
    grown = ours["after_mb"] - ours["warm_mb"]
    return [
        Row(
            f"crowd of {CROWD}: last session settled (profile)",
            ours["last"],
            f"{CROWD} on a bare one-chart page",
            floor["last"],
            CROWD_TARGET,
        ),
        Row(
            f"crowd of {CROWD}: failed sessions {ours['errors']:.0f} (floor {floor['errors']:.0f})",
            ours["errors"],
            "count (target 0)",
            1.0,
            0.0,
        ),
        # Memory rides in the seconds columns as MB/1000, so the ratio against the slack is
        # exact; the name carries the readable figures.
        Row(
            f"crowd of {CROWD}: server RSS {ours['warm_mb']:.0f} -> {ours['after_mb']:.0f} MB"
            f" after (+{grown:.0f} MB)",
            max(grown, 0.0) / 1000,
            f"slack {RSS_SLACK_MB:.0f} MB (as {RSS_SLACK_MB / 1000})",
            RSS_SLACK_MB / 1000,
            1.0,
        ),
    ]
