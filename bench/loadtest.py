"""A load test a person can rerun: N browser sessions click through the pages for S seconds.

    .venv/bin/python -m bench.loadtest --sessions 20 --seconds 60
    .venv/bin/python -m bench.loadtest --sessions 5 --seconds 30 --db sqlite
    .venv/bin/python -m bench.loadtest --url http://127.0.0.1:8501 --sessions 10 --seconds 60

Unless ``--url`` names a running app, it starts a throwaway PostgreSQL server (tools/pg.py),
seeds it (``python -m data init``) and starts the dashboard on a free port of 127.0.0.1 only.
Each session is its own headless chromium context: it opens the overview, then clicks the
sidebar links round the pages (each session starting at a different page) until the time
is up; the presentation hides the sidebar, so after it the session reopens the overview.
Every switch is timed in the page (click -> first chart drawn, click -> settled: script
idle, every chart drawn; see bench/browser.py). Printed: per page the number of switches
and p50/p95 of both times, failed switches (timeouts, error boxes, crashes) and the server's
resident memory (warm, peak, at the end). Exit status 1 if any switch failed or none
completed (opening the first page counts in the time: on a busy machine give it more).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator

from bench.bench_pages import TITLES
from bench.browser import (
    ARM_JS,
    DONE_JS,
    HOLD_MS,
    NAV,
    READ_JS,
    REPO,
    TIMEOUT_MS,
    VIEWPORT,
    init_db,
    rss_mb,
)
from bench.pytest_reruns import PAGES


class Results:
    def __init__(self) -> None:
        self.first: dict[str, list[float]] = defaultdict(list)
        self.settled: dict[str, list[float]] = defaultdict(list)
        self.failures: list[str] = []
        self.elapsed = 0.0
        self.warm_mb = self.peak_mb = self.end_mb = float("nan")


async def _settle(page, path: str) -> None:  # type: ignore[no-untyped-def]
    await page.evaluate(ARM_JS, [path, True, HOLD_MS])
    await page.wait_for_function(DONE_JS, timeout=TIMEOUT_MS)


async def _session(browser, base: str, start: int, deadline: float, res: Results) -> None:  # type: ignore[no-untyped-def]
    ctx = await browser.new_context(viewport=VIEWPORT)
    page = await ctx.new_page()
    order = [p for p in PAGES if p not in ("overview", "present")] + ["overview", "present"]
    k = start
    try:
        await page.goto(f"{base}/?lang=vi", timeout=TIMEOUT_MS)
        await _settle(page, "/")
        while time.monotonic() < deadline:
            name = order[k % len(order)]
            k += 1
            try:
                await page.evaluate(ARM_JS, [f"/{name}", False, HOLD_MS])
                link = page.locator(NAV).get_by_text(TITLES[name], exact=True)
                await link.filter(visible=True).click(timeout=TIMEOUT_MS)
                await page.wait_for_function(DONE_JS, timeout=TIMEOUT_MS)
                b = await page.evaluate(READ_JS)
                if b["errors"]:
                    res.failures.append(f"{name}: error box shown")
                else:
                    res.first[name].append((b["first"] - b["t0"]) / 1000)
                    res.settled[name].append((b["settled"] - b["t0"]) / 1000)
            except Exception as exc:  # counted and said; the session goes on from the start
                res.failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:100]}")
                name = "present"
            if name == "present" and time.monotonic() < deadline:
                await page.goto(f"{base}/?lang=vi", timeout=TIMEOUT_MS)
                await _settle(page, "/")
    except Exception as exc:
        res.failures.append(f"session: {type(exc).__name__}: {str(exc)[:100]}")
    finally:
        await ctx.close()


async def _sample_rss(pid: int | None, samples: list[float], stop: asyncio.Event) -> None:
    while pid is not None and not stop.is_set():
        samples.append(rss_mb(pid))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def run(base: str, pid: int | None, sessions: int, seconds: float) -> Results:
    from playwright.async_api import async_playwright

    from bench.bench_app import ARGS

    res = Results()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        warm_page = await browser.new_page(viewport=VIEWPORT)
        deadline = time.monotonic() + 90
        while True:  # the server is up and has drawn the overview once
            try:
                await warm_page.goto(f"{base}/?lang=vi", timeout=5000)
                await _settle(warm_page, "/")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.3)
        await warm_page.close()
        res.warm_mb = rss_mb(pid) if pid else float("nan")
        samples: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_rss(pid, samples, stop))
        end = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*(_session(browser, base, i, end, res) for i in range(sessions)))
        res.elapsed = time.monotonic() - started
        stop.set()
        await sampler
        res.peak_mb = max(samples) if samples else float("nan")
        await asyncio.sleep(5)  # sessions closed: let the server let go of them
        res.end_mb = rss_mb(pid) if pid else float("nan")
        await browser.close()
    return res


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1]


def _s(x: float, width: int) -> str:
    return f"{'-' if x != x else f'{x:.2f}s':>{width}}"


def report(res: Results, sessions: int) -> str:
    lines = [
        f"{sessions} sessions for {res.elapsed:.0f} s"
        f" (clicks end when the time is up; the last switch may run over)",
        "",
        f"{'page':<12} {'switches':>8} {'first p50':>10} {'first p95':>10}"
        f" {'settled p50':>12} {'settled p95':>12}",
    ]
    for name in PAGES:
        f, s = res.first[name], res.settled[name]
        lines.append(
            f"{name:<12} {len(f):>8} {_s(_pct(f, 50), 10)} {_s(_pct(f, 95), 10)}"
            f" {_s(_pct(s, 50), 12)} {_s(_pct(s, 95), 12)}"
        )
    allf = [x for v in res.first.values() for x in v]
    alls = [x for v in res.settled.values() for x in v]
    lines.append(
        f"{'all':<12} {len(allf):>8} {_s(_pct(allf, 50), 10)} {_s(_pct(allf, 95), 10)}"
        f" {_s(_pct(alls, 50), 12)} {_s(_pct(alls, 95), 12)}"
    )
    lines += [
        "",
        f"failed switches: {len(res.failures)}",
        *(f"  {f}" for f in res.failures[:20]),
        f"server RSS: warm {res.warm_mb:.0f} MB, peak {res.peak_mb:.0f} MB,"
        f" 5 s after the end {res.end_mb:.0f} MB",
    ]
    return "\n".join(lines)


@contextlib.contextmanager
def _app(db: str) -> Iterator[tuple[str, int]]:
    """A seeded store (throwaway PostgreSQL or SQLite) and the dashboard on 127.0.0.1."""
    from bench.bench_app import serve
    from tools.pg import throwaway_postgres

    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        url = stack.enter_context(throwaway_postgres("dti_load")) if db == "postgres" else None
        env = init_db(tmp, url)
        proc, port = serve(REPO / "dashboard.py", env)
        try:
            yield f"http://127.0.0.1:{port}", proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.loadtest", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions")
    ap.add_argument("--seconds", type=float, default=60, help="how long sessions keep clicking")
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--url", help="drive an app already running here instead (no RSS figures)")
    a = ap.parse_args(argv)
    if a.sessions < 1 or a.seconds <= 0:
        ap.error("--sessions must be >= 1 and --seconds > 0")
    if a.url:
        res = asyncio.run(run(a.url.rstrip("/"), None, a.sessions, a.seconds))
    else:
        with _app(a.db) as (base, pid):
            res = asyncio.run(run(base, pid, a.sessions, a.seconds))
    print(report(res, a.sessions))
    if not any(res.settled.values()):
        print("no page switch completed: give the sessions more --seconds", file=sys.stderr)
        return 1
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main())
