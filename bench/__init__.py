"""A tiny benchmark harness: each `bench/bench_*.py` registers functions returning rows.

A row compares our time with a "floor": the fastest thing that does the same job
(or the unavoidable cost, such as starting Python). The ratio ours/floor is what we
track, since absolute seconds vary between machines and ratios much less.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple


class Row(NamedTuple):
    name: str
    ours_seconds: float
    floor_name: str
    floor_seconds: float
    target_ratio: float | None  # None: measured only, no pass/fail

    @property
    def ratio(self) -> float:
        return self.ours_seconds / self.floor_seconds if self.floor_seconds > 0 else float("inf")

    @property
    def status(self) -> str:
        if self.target_ratio is None:
            return "-"
        return "ok" if self.ratio <= self.target_ratio else "FAIL"


BenchFn = Callable[[], Iterable[Row]]
_REGISTRY: list[BenchFn] = []


def register(fn: BenchFn) -> BenchFn:
    """Decorator: add a benchmark function to the run."""
    _REGISTRY.append(fn)
    return fn


def discover() -> list[BenchFn]:
    """Import every bench/bench_*.py so their @register decorators run."""
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        importlib.import_module(f"{__name__}.{path.stem}")
    return list(_REGISTRY)


def time_command(argv: Sequence[str], repeat: int = 5) -> float:
    """Best wall-clock time of a command over `repeat` runs.

    The minimum, not the mean: noise from the rest of the machine only ever adds time.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def format_table(rows: Sequence[Row]) -> str:
    header = ("benchmark", "ours", "floor", "ratio", "target", "status")
    body = [
        (
            r.name,
            f"{r.ours_seconds:.4f} s",
            f"{r.floor_name} {r.floor_seconds:.4f} s",
            f"{r.ratio:.2f}",
            "-" if r.target_ratio is None else f"{r.target_ratio:.2f}",
            r.status,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def fmt(line: Sequence[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()

    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, body)])


def load_average() -> str:
    """The machine's 1/5/15-minute load averages: a ratio taken on a busy machine moves."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (cores: {os.cpu_count()})"


def format_misses(rows: Sequence[Row]) -> str:
    """One line per missed target: by how much, and where the reasons are written down."""
    missed = [r for r in rows if r.status == "FAIL" and r.target_ratio]
    if not missed:
        return "every target met"
    lines = [f"{len(missed)} target(s) missed:"]
    for r in missed:
        assert r.target_ratio is not None
        lines.append(
            f"  {r.name}: {r.ratio:.2f}x against <= {r.target_ratio:.2f}x,"
            f" missed by a factor of {r.ratio / r.target_ratio:.2f}"
        )
    lines.append(
        "why each miss stands and what was tried: README.md, Performance, 'Where the targets stand'"
    )
    return "\n".join(lines)
