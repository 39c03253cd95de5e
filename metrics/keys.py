"""Integer-coded keys: string key columns turned into int64 ids once, so grouping, ranking
and joining work on numbers (one hash per column, then numpy) instead of string merges.

Pure numpy/pandas.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

_LIMIT = 2**62  # combined ids stay below this (int64 with room for one more product)

# Codes already known for an Arrow-backed string column, by the identity of its (immutable)
# Arrow data: a producer that builds a column by ``take`` from a small table (compute_scores,
# rank_scores) records its codes, so later functions do not hash the same strings again.
# Entries go when the Arrow data is freed; read-only codes, so no caller can alter them.
_KNOWN: dict[int, tuple[weakref.ref, np.ndarray, pd.Index]] = {}


def _arrow_data(column: object) -> object | None:
    """The immutable Arrow data behind an Arrow-backed string column, else None."""
    arr = getattr(column, "array", column)
    if isinstance(arr, pd.arrays.ArrowStringArray):
        return arr.__arrow_array__()
    return None


def known_codes(column: pd.Series | pd.Index) -> tuple[np.ndarray, pd.Index] | None:
    """``column_codes`` of ``column`` when a producer recorded them (see ``remember_taken``),
    else None (nothing is computed)."""
    data = _arrow_data(column)
    hit = _KNOWN.get(id(data)) if data is not None else None
    if hit is None or hit[0]() is not data:
        return None
    return hit[1], hit[2]


def remember_taken(
    column: pd.Series, small: pd.Series | pd.Index, rows: np.ndarray, complete: bool = False
) -> None:
    """Record the codes of ``column``, built as ``small.take(rows)`` (all ``rows`` >= 0),
    from the codes of the small ``small``: the one hash is over ``small``'s few values.
    ``complete``: the caller knows every row of ``small`` is taken (nothing to check)."""
    data = _arrow_data(column)
    if data is None or len(rows) != len(column):
        return
    codes, uniques = column_codes(small)
    codes = codes[rows]
    held = None if complete else np.bincount(codes, minlength=len(uniques)) > 0
    if held is not None and not held.all():  # values ``small`` has, the column not
        codes = (np.cumsum(held) - 1)[codes]
        uniques = uniques[held]
    codes.flags.writeable = False
    key = id(data)
    _KNOWN[key] = (weakref.ref(data, lambda _ref: _KNOWN.pop(key, None)), codes, uniques)


def take_small(
    small: pd.api.extensions.ExtensionArray, rows: np.ndarray, allow_fill: bool = False
) -> pd.api.extensions.ExtensionArray:
    """``small.take(rows, allow_fill=allow_fill)``: a long column built from a short one.

    Arrow-backed strings are taken by pyarrow directly (pandas' own take costs about
    twice as much on long columns); the result is the same array. Any other array, and
    negative ``rows`` other than ``allow_fill``'s -1, go through pandas."""
    if not isinstance(small, pd.arrays.ArrowStringArray):
        return small.take(rows, allow_fill=allow_fill)
    missing = rows < 0
    if missing.any() and (not allow_fill or rows.min() < -1):
        return small.take(rows, allow_fill=allow_fill)  # pandas' own meaning (or error)
    chunked = small.__arrow_array__()
    data = chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()
    taken = data.take(pa.array(rows, mask=missing if missing.any() else None))
    return pd.arrays.ArrowStringArray(pa.chunked_array([taken], type=data.type), dtype=small.dtype)


def codes_at(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """``column_codes`` of ``column.take(rows)``, from recorded codes when there are some
    (no strings hashed), else by coding the taken rows only."""
    codes, uniques = codes_among(column, rows)
    held = np.bincount(codes, minlength=len(uniques)) > 0
    if held.all():
        return codes, uniques
    return (np.cumsum(held) - 1)[codes], uniques[held]


def codes_among(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``column.take(rows)`` into distinct values that may include some the rows
    lack (the column's recorded ones): ``codes_at`` without the renumbering."""
    hit = known_codes(column)
    if hit is None:
        return column_codes(column.take(rows))
    return hit[0][rows], hit[1]


def isin_at(column: pd.Series, rows: np.ndarray | None, wanted: Sequence[str]) -> np.ndarray:
    """``column.take(rows).isin(wanted)`` as a bool array (``rows`` None: the whole column),
    on recorded codes when there are some (see ``codes_at``)."""
    hit = known_codes(column)
    if hit is None:
        part = column if rows is None else column.take(rows)
        return part.isin(wanted).to_numpy(dtype=bool)
    codes, uniques = hit
    found = np.asarray(uniques.isin(wanted), dtype=bool)
    if found.all():
        return np.ones(len(codes) if rows is None else len(rows), dtype=bool)
    return found[codes] if rows is None else found[codes[rows]]


def column_codes(column: pd.Series | pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``column`` in sorted order of its distinct values (missing last, as its own
    value). Example: ["b", None, "a"] -> ([1, 2, 0], ["a", "b", nan]). The codes may be
    read-only (recorded ones are shared)."""
    hit = known_codes(column)
    if hit is not None:
        return hit
    # few whole numbers (editions): no hashing
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu" and len(column):
        x = np.asarray(column)
        lo, hi = int(x.min()), int(x.max())
        if hi - lo <= 2 * len(x) + 1024:
            offset = x - lo
            held = np.bincount(offset, minlength=hi - lo + 1) > 0
            uniques = pd.Index((np.flatnonzero(held) + lo).astype(x.dtype))
            return (np.cumsum(held) - 1)[offset], uniques
    codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), uniques


def group_ids(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, int]:
    """One int64 id per row for its combination of ``columns``, and an upper bound of the ids.

    Ids order like a sort by ``columns`` (missing last), so sorting rows by id sorts them
    by those columns. Missing values form their own group. Example: columns (edition,
    indicator) with editions {2022, 2023} and indicators {"a", "b"} give ids 0..3 in the
    order (2022, a), (2022, b), (2023, a), (2023, b).
    """
    ids = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for col in columns:
        codes, uniques = column_codes(frame[col])
        width = max(len(uniques), 1)
        if size * width >= _LIMIT:  # renumber densely before the product overflows
            ids, dense = pd.factorize(ids, sort=True)
            size = max(len(dense), 1)
        ids *= width  # in place: ``ids`` is this function's own array
        ids += codes
        size *= width
    return ids, size


def dense_ids(ids: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """``ids`` renumbered 0..k-1 (same order) when ``size`` is much larger than the rows, so
    per-group arrays (``np.bincount``) stay small; otherwise unchanged."""
    if size <= 2 * len(ids) + 1024:
        return ids, size
    dense, uniques = pd.factorize(ids, sort=True)
    return dense.astype(np.int64, copy=False), max(len(uniques), 1)


def distinct_rows(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct combinations of ``columns`` in ``frame``, sorted (a new frame with a
    fresh index), and for every row of ``frame`` the row of that table holding its key."""
    row_of, count = compact_ids(*group_ids(frame, columns))
    row = np.zeros(count, dtype=np.int64)
    row[row_of] = np.arange(len(frame))  # a row of every key (any one holds it)
    table = frame[list(columns)].take(row).reset_index(drop=True)
    return table, row_of


def compact_ids(ids: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """``ids`` (below ``size``) renumbered 0..k-1 in the same order, and k: the sorted
    factorisation of ``ids``, by counting when ``size`` is small (no hashing)."""
    if size <= 2 * len(ids) + 1024:
        held = np.bincount(ids, minlength=size) > 0
        rank = np.cumsum(held) - 1
        return rank[ids], int(rank[-1]) + 1 if size else 0
    codes, uniques = pd.factorize(ids, sort=True)
    return codes.astype(np.int64, copy=False), len(uniques)


def lookup(frame: pd.DataFrame, table: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """For every row of ``frame``, the position of the row of ``table`` with the same
    ``columns`` (-1 when none): a left join's row match without merging strings. ``table``
    holds each key once (the last one wins otherwise). Columns are coded on ``frame``'s
    distinct values, so the string work is one hash per column.
    """
    ids = np.zeros(len(frame), dtype=np.int64)
    keys = np.zeros(len(table), dtype=np.int64)
    found = np.ones(len(table), dtype=bool)
    size = 1
    for col in columns:
        codes, uniques = column_codes(frame[col])
        at = pd.Index(uniques).get_indexer(table[col])
        found &= at >= 0
        width = max(len(uniques), 1)
        ids *= width  # in place: ``ids`` is this function's own array
        ids += codes
        keys, size = keys * width + at, size * width
    if size > 4 * len(frame) + 1024:  # sparse combinations: hash them instead
        return pd.Index(keys[found]).get_indexer(ids).astype(np.int64)
    position = np.full(size, -1, dtype=np.int64)
    position[keys[found]] = np.flatnonzero(found)
    return position[ids]


def scatter(
    row: np.ndarray, col: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """A float matrix of ``shape`` with ``values`` at (``row``, ``col``) and NaN elsewhere,
    and which cells were given: a pivot on integer codes. Like a pivot, it refuses a cell
    given twice (ValueError)."""
    wide = np.full(shape, np.nan)
    wide[row, col] = values
    held = np.zeros(shape, dtype=bool)
    held[row, col] = True
    if int(held.sum()) != len(row):
        raise ValueError("Index contains duplicate entries, cannot reshape")
    return wide, held


def sort_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The permutation that sorts the int64 ``key`` (ties keep row order) and the sorted keys.

    When key and row number fit together in 62 bits, the row number is packed into the
    low bits and numpy's vectorised ``sort`` does the job of an ``argsort`` (about twice as
    fast); otherwise a stable ``argsort``. Example: [3, 1, 3] -> ([1, 0, 2], [1, 3, 3]).
    """
    n = len(key)
    bits = max(n.bit_length(), 1)
    if n and int(key.min()) >= 0 and int(key.max()) < (1 << (62 - bits)):
        packed = key.astype(np.int64, copy=False) << bits  # a new array, then in place
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        order = packed & ((1 << bits) - 1)
        packed >>= bits
        return order, packed
    order = np.argsort(key, kind="stable")
    return order, key[order]


def tie_blocks(sorted_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of equal values in a sorted array: each run's first position and length.
    Example: [1, 3, 3, 4] -> ([0, 1, 3], [1, 2, 1])."""
    n = len(sorted_key)
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    new_run = np.empty(n, dtype=bool)
    new_run[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=new_run[1:])
    starts = np.flatnonzero(new_run)
    length = np.empty_like(starts)
    np.subtract(starts[1:], starts[:-1], out=length[:-1])
    length[-1] = n - starts[-1]
    return starts, length
