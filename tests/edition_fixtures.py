"""A 2025 results file for the 34 provinces, built from the app's own 2025 template with
points that differ from 2024's (issue 10). Shared by the CLI and browser tests."""

from __future__ import annotations

import io

import numpy as np
import openpyxl

from data.ingest.template import make_template
from metrics.scoring import round4

POINTS_2025 = {
    "awareness": 120,
    "institutions": 80,
    "infrastructure": 100,
    "human_resources": 90,
    "cybersecurity": 110,
    "gov_activity": 200,
    "econ_activity": 150,
    "soc_activity": 150,
}


def results_2025(
    seed: int = 7, rows: int | None = None, points: dict[str, int] | None = None
) -> tuple[bytes, dict[str, float], dict[str, int]]:
    """(xlsx bytes, {province name: dti}, {province name: competition rank}). The values
    are on the 0–1 scale, 4 decimals; the total is the points-weighted mean. Two provinces
    are given the same total on purpose, so ranks include a tie. ``rows`` keeps only the
    first N provinces (an underdetermined file)."""
    pts = points or POINTS_2025
    wb = openpyxl.load_workbook(io.BytesIO(make_template(2025, "34")))
    ws = wb.active
    codes = list(pts)
    rng = np.random.default_rng(seed)
    dti: dict[str, float] = {}
    n = 34
    prev: list[float] = []
    for i, r in enumerate(range(4, 4 + n)):
        vals = [float(round4(x)) for x in rng.uniform(0.35, 0.98, len(codes))]
        if i == 5:  # the same indices as the row before: a tie on the total
            vals = prev
        prev = vals
        total = float(round4(sum(v * pts[c] for v, c in zip(vals, codes, strict=True)) / 1000))
        name = ws.cell(row=r, column=2).value
        for j, v in enumerate(vals):
            ws.cell(row=r, column=3 + j, value=v)
        ws.cell(row=r, column=3 + len(codes), value=total)
        dti[name] = total
    if rows is not None:
        ws.delete_rows(4 + rows, n - rows)
        dti = dict(list(dti.items())[:rows])
    # competition ranks, counted independently of the app: 1 + how many are higher
    ranks = {k: 1 + sum(1 for v in dti.values() if v > x) for k, x in dti.items()}
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), dti, ranks
