"""Tile-grid layouts of Vietnam (data/files/tilegrid_<set>.csv), one square per unit.

No province polygons are bundled (see the design notes): each unit of a set has a
hand-placed (row, col) cell, row 0 at the top. ``tilegrid_islands.csv`` places the two
archipelagos, Hoàng Sa and Trường Sa, which every map of Vietnam must show; they carry
no data. Both files are validated on load: every code of the set exactly once, no two
units on one cell.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from data.provinces import UNIT_SETS, by_code

FILES = Path(__file__).resolve().parent / "files"
ISLANDS: tuple[str, ...] = ("hoang_sa", "truong_sa")


class TileGridError(ValueError):
    pass


def check_grid(grid: pd.DataFrame, unit_set: str) -> None:
    """Raise TileGridError unless ``grid`` places every code of ``unit_set`` exactly once
    and no two codes share a cell."""
    codes = set(by_code(unit_set))
    dup = grid["code"][grid["code"].duplicated()].tolist()
    missing = sorted(codes - set(grid["code"]))
    extra = sorted(set(grid["code"]) - codes)
    cells = grid[grid.duplicated(["row", "col"], keep=False)]
    if dup or missing or extra or len(cells):
        raise TileGridError(
            f"tile grid {unit_set}: duplicated {dup}, missing {missing}, unknown {extra}, "
            f"shared cells {cells[['code', 'row', 'col']].to_dict('records')}"
        )


@cache
def _grid(unit_set: str) -> pd.DataFrame:
    if unit_set not in UNIT_SETS:
        raise TileGridError(f"no tile grid for unit set {unit_set!r}")
    with open(FILES / f"tilegrid_{unit_set}.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    grid = pd.DataFrame(rows).astype({"row": int, "col": int})
    check_grid(grid, unit_set)
    return grid[["code", "row", "col", "short"]]


def tile_grid(unit_set: str = "63") -> pd.DataFrame:
    """code, row, col, short (the tile label) for every unit of the set; a new frame."""
    return _grid(unit_set).copy()


def island_tiles(unit_set: str = "63") -> pd.DataFrame:
    """key (hoang_sa / truong_sa), row, col (float: centres may sit between cells)."""
    with open(FILES / "tilegrid_islands.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["unit_set"] == unit_set]
    out = pd.DataFrame(rows, columns=["unit_set", "key", "row", "col"])
    if sorted(out["key"]) != sorted(ISLANDS):
        raise TileGridError(f"tile grid {unit_set}: islands must be {ISLANDS}")
    return out[["key", "row", "col"]].astype({"row": float, "col": float})
