"""The ranking engine: all measures on the bundle, the Monte Carlo, and a scale case.

Each case prints two rows: ours against its floor (the bare numpy/pandas work of the same
shape, measured only), and ours against the issue's time budget (pass/fail, ratio <= 1).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from bench import Row, register

REPEAT = 5


def best_of(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """Minimum wall time of ``fn`` over ``repeat`` runs (noise only ever adds time)."""
    return best_of_clocks(fn, repeat)[0]


def best_of_clocks(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, float]:
    """Minimum wall time and minimum CPU time (``time.process_time``) of ``fn`` over
    ``repeat`` runs. On a shared machine the CPU time is the steadier of the two."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def _rows(name: str, ours: float, floor_name: str, floor: float | None, budget: float) -> list[Row]:
    rows = []
    if floor is not None:
        rows.append(Row(name, ours, floor_name, floor, None))
    rows.append(Row(f"{name} (budget)", ours, "target", budget, 1.0))
    return rows


def all_measures(scores: pd.DataFrame, units: pd.DataFrame, fws: dict, unit_set: str) -> None:
    """Every per-province measure of every edition, from scored inputs."""
    from metrics.change import contributions, trend
    from metrics.distance import distances
    from metrics.rank_change import rank_change_decomposition
    from metrics.ranking import rank_scores, year_on_year

    ranked = rank_scores(scores, units)
    year_on_year(ranked, fws)
    distances(ranked)
    trend(ranked, fws)
    eds = sorted(scores["edition"].unique())
    for e in eds[1:]:
        contributions(scores, fws, int(e), unit_set)
        rank_change_decomposition(ranked, fws, int(e), unit_set)


@register
def bundle_all_measures() -> list[Row]:
    from app.dataset import units_table
    from data.frameworks import frameworks
    from data.store import load_bundle
    from metrics.scoring import compute_scores

    values = load_bundle()
    values = values[values["unit_set"] == "63"]
    fws = frameworks()
    units = units_table()
    base = values[["edition", "unit_set", "province_code", "indicator", "value"]]
    scores = compute_scores(base, fws)
    ours = best_of(lambda: all_measures(scores, units, fws, "63"))
    floor = best_of(
        lambda: scores.groupby(["edition", "indicator"])["score"].rank(
            method="min", ascending=False
        )
    )
    return _rows("all measures, 5 editions x 63", ours, "one pandas groupby rank", floor, 0.100)


@register
def monte_carlo() -> list[Row]:
    from metrics.uncertainty import rank_intervals

    rng = np.random.default_rng(0)
    x = rng.uniform(0.3, 1.0, size=(63, 8)).round(4)
    points = dict(
        zip([f"i{k}" for k in range(8)], [100, 100, 100, 100, 100, 200, 150, 150], strict=True)
    )
    inputs = pd.DataFrame(x, columns=list(points), index=[f"{i:02d}" for i in range(63)])
    ours = best_of(lambda: rank_intervals(inputs, points, draws=2000, seed=0))
    w = rng.uniform(size=(2000, 8))
    floor = best_of(lambda: w @ x.T)
    return _rows("Monte Carlo 2,000 draws x 63", ours, "numpy matmul (2000x8)@(8x63)", floor, 0.300)


def _scale_case(
    n_editions: int = 10, n_units: int = 700, n_inputs: int = 100
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    from data.frameworks import Framework, Indicator

    codes = [f"i{k:03d}" for k in range(n_inputs)]
    pillars = ("gov", "econ", "soc")
    inds = [
        Indicator(c, "activity", float(1 + k % 5), (pillars[k % 3],), c, c)
        for k, c in enumerate(codes)
    ]
    inds += [Indicator(p, "pillar", None, (), p, p) for p in pillars]
    inds.append(Indicator("dti", "total", None, (), "dti", "dti"))
    members = {
        p: tuple(c for k, c in enumerate(codes) if k % 3 == i) for i, p in enumerate(pillars)
    }
    fws = {2000 + e: Framework(2000 + e, tuple(inds), "bench", members) for e in range(n_editions)}
    rng = np.random.default_rng(1)
    units = [f"{u:04d}" for u in range(n_units)]
    idx = pd.MultiIndex.from_product(
        [list(fws), units, codes], names=["edition", "province_code", "indicator"]
    )
    values = idx.to_frame(index=False)
    values.insert(1, "unit_set", "63")
    values["value"] = rng.uniform(size=len(values)).round(4)
    regions = ["DBSH", "TDMNPB", "BTBDHMT", "TN", "DNB", "DBSCL"]
    unit_table = pd.DataFrame(
        {
            "unit_set": "63",
            "province_code": units,
            "region_code": [regions[i % 6] for i in range(n_units)],
        }
    )
    return values, unit_table, fws


@register
def scale_case() -> list[Row]:
    from metrics.scoring import compute_scores

    values, units, fws = _scale_case()

    def ours_fn() -> None:
        all_measures(compute_scores(values, fws), units, fws, "63")

    ours, ours_cpu = best_of_clocks(ours_fn, repeat=2)
    tracemalloc.start()
    ours_fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    cube = values["value"].to_numpy().reshape(10, 700, 100)
    w = np.array([1 + k % 5 for k in range(100)], dtype=float)

    def floor_fn() -> None:
        s = np.floor(cube @ (w / w.sum()) * 1e4 + 0.5)
        np.argsort(-s, axis=1)

    floor, floor_cpu = best_of_clocks(floor_fn)
    name = "scale 10 ed x 700 units x 100 ind"
    rows = _rows(name, ours, "numpy weighted sum + argsort", floor, 1.0)
    # CPU time: what to compare while other jobs share the machine (wall time then
    # includes waiting for a core); measured only, the budget row above is the target.
    rows.insert(1, Row(f"{name} (CPU time)", ours_cpu, "same floor, CPU time", floor_cpu, None))
    # The harness prints seconds; memory rides in the same columns as MB/1000 so the ratio
    # against the 300 MB budget is exact. The name carries the readable figure.
    rows.append(
        Row(
            f"scale peak memory {peak / 1e6:.0f} MB (tracemalloc)",
            peak / 1e9,
            "budget 300 MB (as 0.3)",
            0.3,
            1.0,
        )
    )
    return rows
