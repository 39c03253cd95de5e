"""The checks of a found table, each a small function that reports through a Reporter:
edition year, indicator columns, data rows, unit set, provinces, cell values, scale,
totals and pillars against the recomputed ones (0.0001), rank columns against the
competition ranks of the 4-decimal scores."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from data.frameworks import Framework, edition_unit_sets, editions, framework
from data.ingest.read import text_of
from data.ingest.report import Reporter, Text, cell_ref
from data.ingest.result import VALUE_COLUMNS
from data.ingest.table import (
    SKIP_ROW_KEYS,
    Column,
    Table,
    is_number,
    lookup_province,
    to_number,
)
from data.provinces import UnknownProvinceError, name_of, normalise, resolve

SCALES = ("1", "100", "1000")  # 0–1; 0–100; points of the 1000-point scale
TOLERANCE = 0.0001
_YEAR_RE = re.compile(r"(?<!\d)(20[1-3]\d)(?!\d)")


class Reading(NamedTuple):
    """One numeric cell of the table (value NaN when empty)."""

    row: int  # 0-based
    code: str  # province code
    value: float
    column: Column


# --------------------------------------------------------------------------- edition


def _year_from(text: str) -> int | None:
    found = [int(y) for y in _YEAR_RE.findall(text)]
    known = [y for y in found if y in editions()]
    return (known or found or [None])[0]


def detect_year(table: Table, file_name: str) -> list[tuple[str, int]]:
    """(source, year) found in the title, the sheet name and the file name, in that order."""
    found = [
        ("title", _year_from(table.title_text)),
        ("sheet", _year_from(table.sheet.name)),
        ("file", _year_from(Path(file_name).stem)),
    ]
    return [(src, y) for src, y in found if y is not None]


def choose_edition(
    table: Table,
    file_name: str,
    year: int | None,
    rep: Reporter,
    *,
    override_year: bool = False,
    fw: Framework | None = None,
) -> int | None:
    """Edition year: option > title > sheet name > file name; conflicts are warned.

    A year given as an option that disagrees with the year in the file's title is refused
    (both named) unless ``override_year`` confirms it: a forced year never silently
    overrides the file. With ``fw`` (a framework being declared for this file) the year
    need not have a stored framework yet."""
    found = detect_year(table, file_name)
    if year is not None:
        edition, source = int(year), "option"
    elif found:
        source, edition = found[0]
    else:
        rep.error("YEAR_MISSING")
        return None
    title = next((y for s, y in found if s == "title"), None)
    if source == "option" and title is not None and title != edition:
        if not override_year:
            rep.error("YEAR_FORCED", year=edition, title_year=title)
            return None
        rep.warn("YEAR_OVERRIDDEN", year=edition, title_year=title)
        found = [(s, y) for s, y in found if s != "title"]
    conflict = next(((s, y) for s, y in found if y != edition and s != source), None)
    if conflict is not None:
        rep.warn(
            "YEAR_CONFLICT",
            year=edition,
            other=conflict[1],
            source=Text(f"ingest.year_source.{source}"),
            other_source=Text(f"ingest.year_source.{conflict[0]}"),
        )
    if fw is None and edition not in editions():
        known = ", ".join(map(str, editions()))
        rep.error("YEAR_UNKNOWN", year=edition, known=known, subject=str(edition))
        return None
    return edition


def check_columns(
    table: Table, edition: int | None, rep: Reporter, fw: Framework | None = None
) -> bool:
    """False when no indicator column was recognised; columns the edition's framework
    (or ``fw``, one being declared) does not have are reported and dropped."""
    if not any(c.kind == "value" for c in table.columns):
        rep.error("NO_INDICATOR")
        return False
    if edition is None:
        return True
    fw = fw or framework(edition)
    for col in list(table.columns):
        if col.code not in fw.codes:
            rep.error(
                "INDICATOR_NOT_IN_EDITION",
                cell=col.header_cell,
                column=col.header,
                indicator=col.code,
                year=edition,
            )
            table.columns.remove(col)
    return True


# --------------------------------------------------------------------------- rows, provinces


def data_rows(table: Table, rep: Reporter) -> list[tuple[int, str]]:
    """(row index, name) of the data rows below the header; blank, footer and national
    rows are skipped (the national ones with a warning)."""
    rows = table.sheet.rows
    entries: list[tuple[int, str]] = []
    for r in range(table.first_row, len(rows)):
        row = rows[r]
        name = text_of(row[table.province_col]) if table.province_col < len(row) else ""
        cells = [row[c.index] if c.index < len(row) else None for c in table.columns]
        if not name and not any(text_of(v) for v in cells):
            continue
        known = lookup_province(name, "63") or lookup_province(name, "34")
        if not known and normalise(name).startswith(SKIP_ROW_KEYS):
            rep.warn("NATIONAL_ROW", row=r + 1, name=name)
            continue
        if not known and not any(is_number(v) for v in cells):
            continue  # footer: source lines, notes, signatures
        entries.append((r, name))
    return entries


def choose_unit_set(
    entries: list[tuple[int, str]],
    given: str | None,
    edition: int | None,
    rep: Reporter,
    declaring: bool = False,
) -> str:
    """The set in which more names resolve; 34 names that all resolve in both sets are the
    34-province set (its units keep a predecessor's name)."""
    unit_set = given
    if unit_set is None:
        n63 = sum(1 for _, nm in entries if lookup_province(nm, "63"))
        n34 = sum(1 for _, nm in entries if lookup_province(nm, "34"))
        if n63 > n34:
            unit_set = "63"
        elif n34 > n63 or (len(entries) == 34 and n34 == 34):
            unit_set = "34"
        else:
            unit_set = "63"
    if not declaring and edition is not None and (edition, unit_set) not in edition_unit_sets():
        rep.error("UNIT_SET_INVALID", year=edition, unit_set=unit_set)
    return unit_set


def _unknown_province(name: str, unit_set: str, at: tuple[int, int], rep: Reporter) -> None:
    other_set = "34" if unit_set == "63" else "63"
    if name and lookup_province(name, other_set):
        rep.error("EXTRA_PROVINCE", at=at, name=name, unit_set=unit_set)
        return
    try:
        resolve(name, unit_set)
        sugg: list[str] = []
    except UnknownProvinceError as exc:
        sugg = exc.suggestions
    hint: Text | str = Text("ingest.hint.closest", names=", ".join(sugg)) if sugg else ""
    rep.error("UNKNOWN_PROVINCE", at=at, subject=name, name=name, hint=hint)


def check_provinces(
    entries: list[tuple[int, str]], table: Table, unit_set: str, rep: Reporter
) -> tuple[list[tuple[int, str]], bool]:
    """(row index, code) of the rows whose province is known, once each, and whether the
    table is complete (every unit present, no bad row)."""
    from data.provinces import provinces

    good: list[tuple[int, str]] = []
    first_seen: dict[str, str] = {}
    for r, name in entries:
        at = (r, table.province_col)
        code = lookup_province(name, unit_set) if name else None
        if code is None:
            _unknown_province(name, unit_set, at, rep)
        elif code in first_seen:
            rep.error("DUPLICATE_PROVINCE", at=at, name=name, first=first_seen[code])
        else:
            first_seen[code] = cell_ref(*at)
            good.append((r, code))
    missing = [p.code for p in provinces(unit_set) if p.code not in first_seen]
    if missing:
        listed = ", ".join(name_of(c, unit_set) for c in missing[:15])
        listed += ", …" if len(missing) > 15 else ""
        rep.error("MISSING_PROVINCE", n=len(missing), unit_set=unit_set, names=listed)
    return good, not missing and len(good) == len(entries)


# --------------------------------------------------------------------------- values


def normalise_tokens(tokens: Iterable[str] | None) -> frozenset[str]:
    """The uploader's missing-value markers, compared trimmed and case-insensitively.

    Example: normalise_tokens([" N/A ", "-"]) == frozenset({"n/a", "-"})."""
    return frozenset(t.strip().casefold() for t in (tokens or ()) if t and t.strip())


def _read_cell(
    v: Any, r: int, code: str, col: Column, unit_set: str, formula_empty: set[tuple[int, int]],
    rep: Reporter, missing: frozenset[str] = frozenset(),
) -> Reading | None:  # fmt: skip
    """One cell -> a Reading (NaN for an empty value cell) or None, reporting problems.

    Missing values are a policy: an empty cell is stored as missing with a warning; any
    text ("n/a", "-") is an error quoting it, unless the uploader chose it as a missing
    marker (``missing``), then it is stored as missing with a warning naming the cell."""
    kind, num = to_number(v)
    at = (r, col.index)
    province = name_of(code, unit_set)
    written = text_of(v) if isinstance(v, str) else ""
    marker = bool(written) and written.casefold() in missing
    if kind == "empty" and written and not marker:
        kind = "text"  # a word the reader would call empty ("n/a"): the uploader decides
    if kind == "empty" or marker:
        if at in formula_empty or col.kind != "value":
            return None
        if marker:
            rep.warn("MISSING_MARKER", at=at, column=col.header, province=province, text=written)
        else:
            rep.warn("MISSING_VALUE", at=at, column=col.header, province=province)
        return Reading(r, code, math.nan, col)
    bad_rank = col.kind == "rank" and num is not None and (num < 1 or not float(num).is_integer())
    if kind == "text" or num is None or bad_rank:
        rep.error(
            "RANK_NOT_INTEGER" if col.kind == "rank" else "NON_NUMERIC",
            at=at,
            column=col.header,
            province=province,
            text=text_of(v),
        )
        return None
    return Reading(r, code, num, col)


def read_values(
    good: list[tuple[int, str]],
    table: Table,
    unit_set: str,
    formula_empty: set[tuple[int, int]],
    rep: Reporter,
    missing: frozenset[str] = frozenset(),
) -> tuple[list[Reading], list[Reading]]:
    """(values, ranks) of the good rows, column by column; empty columns are warned."""
    rows = table.sheet.rows
    values: list[Reading] = []
    ranks: list[Reading] = []
    for col in table.columns:
        cells = [
            (r, code, rows[r][col.index] if col.index < len(rows[r]) else None) for r, code in good
        ]
        if not any(text_of(v) for _, _, v in cells):
            if col.kind == "value":
                rep.warn("EMPTY_COLUMN", cell=col.header_cell, column=col.header)
            continue
        for r, code, v in cells:
            reading = _read_cell(v, r, code, col, unit_set, formula_empty, rep, missing)
            if reading is not None:
                (ranks if col.kind == "rank" else values).append(reading)
    return values, ranks


# --------------------------------------------------------------------------- scale


def divisor(fw: Framework, code: str, scale: str) -> float:
    if scale == "1":
        return 1.0
    if scale == "100":
        return 100.0
    if code in fw.points:
        return fw.points[code]
    return sum(fw.weights(code).values())


def _choose_scale(
    fw: Framework, raw: list[tuple[str, float]], given: str | None, totals_ok: Callable[[str], bool]
) -> tuple[str | None, list[str]]:
    """Pick the scale: (scale, candidates). ``raw`` is (indicator, value) of every number.

    Certain means: the bulk of values sits in one range, and where 0–100 and points would
    differ, only one of them fits every value (or only one reproduces the totals)."""
    if given:
        return given, [given]
    vals = [v for _, v in raw]
    if not vals:
        return "1", ["1"]
    small = sum(1 for v in vals if abs(v) <= 1.0) / len(vals)
    if small >= 0.9:
        return "1", ["1"]
    if small > 0.1:
        return None, ["1", "100", "1000"]

    def fitting(scale: str) -> int:
        return sum(1 for c, v in raw if 0 <= v / divisor(fw, c, scale) <= 1 + 1e-9)

    differ = any(divisor(fw, c, "100") != divisor(fw, c, "1000") for c, _ in raw)
    if not differ:
        return "100", ["100"]
    cands = [s for s in ("100", "1000") if fitting(s) == len(raw)]
    if len(cands) == 1:
        return cands[0], cands
    if len(cands) == 2:
        agree = [s for s in cands if totals_ok(s)]
        return (agree[0] if len(agree) == 1 else None), cands
    # Neither fits every value: out-of-range cells; take the one that fits more.
    score = {s: sum(1 for c, v in raw if 0 <= v / divisor(fw, c, s) <= 1) for s in ("100", "1000")}
    if score["100"] != score["1000"]:
        best = max(score, key=lambda s: score[s])
        return best, [best]
    return None, ["100", "1000"]


def choose_scale(
    fw: Framework, values: list[Reading], given: str | None, rep: Reporter
) -> str | None:
    """The scale of the figures, or None (reported) when it is not certain."""

    def totals_ok(s: str) -> bool:
        vals = {(x.code, x.column.code): x.value / divisor(fw, x.column.code, s) for x in values}
        return not mismatches(vals, fw)

    numeric = [(x.column.code, x.value) for x in values if not math.isnan(x.value)]
    chosen, cands = _choose_scale(fw, numeric, given, totals_ok)
    if chosen is None:
        rep.error("SCALE_AMBIGUOUS", options=[Text(f"ingest.scale.{s}") for s in cands])
    return chosen


def tidy_rows(
    values: list[Reading],
    fw: Framework,
    scale: str,
    edition: int,
    unit_set: str,
    locations: dict[tuple[str, str], tuple[str, int, str]],
    rep: Reporter,
) -> pd.DataFrame:
    """The store rows at scale 0–1; out-of-range values are reported and left out."""
    recs = []
    for r, code, v, col in values:
        div = divisor(fw, col.code, scale)
        val = v / div
        at = (r, col.index)
        if not math.isnan(val) and not (0.0 <= val <= 1.0 + 1e-12):
            rep.error(
                "OUT_OF_RANGE",
                at=at,
                column=col.header,
                province=name_of(code, unit_set),
                value=float(v),
                hi=float(div) if scale != "1" else 1.0,
                scale=Text(f"ingest.scale.{scale}"),
            )
            continue
        locations[(code, col.code)] = (cell_ref(*at), r + 1, col.header)
        # round(…, 10) cleans binary noise of the scale conversion (60.05 / 100 =
        # 0.6004999999999999 -> 0.6005) without touching any published precision.
        value = None if math.isnan(val) else min(round(val, 10), 1.0)
        source = f"upload:{rep.file}"
        recs.append((edition, unit_set, code, col.code, value, source, name_of(code, unit_set)))
    tidy = pd.DataFrame(recs, columns=[*VALUE_COLUMNS, "province"])
    tidy["value"] = tidy["value"].astype(float)
    return tidy.sort_values(["province_code", "indicator"]).reset_index(drop=True)


# --------------------------------------------------------------------------- totals, ranks


def recompute(
    values: Mapping[tuple[str, str], float], fw: Framework
) -> dict[tuple[str, str], float]:
    """(province_code, composite) -> recomputed value rounded to 4 decimals, by the one
    scoring formula ``metrics.scoring.composites`` (a matrix built here in plain Python:
    a pandas pivot would cost more than reading the file)."""
    from metrics.scoring import composites, round4

    codes = sorted({pc for pc, _ in values})
    if not codes:
        return {}
    x = np.array([[values.get((pc, i), np.nan) for i in fw.inputs] for pc in codes], dtype=float)
    out: dict[tuple[str, str], float] = {}
    for comp, col in composites(x, fw).items():
        for pc, v in zip(codes, round4(col), strict=True):
            if v == v:
                out[(pc, comp)] = float(v)
    return out


def mismatches(
    values: Mapping[tuple[str, str], float], fw: Framework
) -> list[tuple[str, str, float, float]]:
    """Stored composites (pillars, dti) differing from the recomputed ones by > 0.0001:
    (province_code, indicator, stored, recomputed)."""
    rec = recompute(values, fw)
    out = []
    for key, stored in values.items():
        if key in rec and stored == stored and abs(stored - rec[key]) > TOLERANCE + 1e-9:
            out.append((key[0], key[1], float(stored), rec[key]))
    return sorted(out)


def check_totals(
    rows: pd.DataFrame,
    locations: Mapping[tuple[str, str], tuple[str, int, str]],
    fw: Framework,
    unit_set: str,
    rep: Reporter,
) -> dict[tuple[str, str], float]:
    """Totals and pillars against the recomputation; returns the stored values."""
    stored = {
        (pc, ind): v
        for pc, ind, v in zip(rows["province_code"], rows["indicator"], rows["value"], strict=True)
    }
    for pc, ind, st, rc in mismatches(stored, fw):
        ref, rown, header = locations[(pc, ind)]
        rep.error(
            "TOTAL_MISMATCH",
            cell=ref,
            row=rown,
            column=header,
            province=name_of(pc, unit_set),
            stored=st,
            recomputed=rc,
            diff=round(st - rc, 6),
        )
    return stored


def _rank_scores(
    stored: Mapping[tuple[str, str], float],
    rec: Mapping[tuple[str, str], float],
    indicator: str,
) -> dict[str, float]:
    """province -> score of ``indicator`` (recomputed where none is stored)."""
    out: dict[str, float] = {}
    for pc in sorted({pc for pc, _ in stored}):
        v = stored.get((pc, indicator))
        if v is None or v != v:  # no stored value: the official figure is recomputed
            v = rec.get((pc, indicator))
        if v is not None and v == v:
            out[pc] = v
    return out


def check_ranks(
    stored: Mapping[tuple[str, str], float],
    ranks: list[Reading],
    fw: Framework,
    unit_set: str,
    rep: Reporter,
) -> None:
    """Rank columns against the competition ranks of the 4-decimal scores."""
    from metrics.ranking import rank_among
    from metrics.scoring import round4

    rec = recompute(stored, fw)
    score_of = {ind: _rank_scores(stored, rec, ind) for ind in {x.column.code for x in ranks}}
    for r, code, rank, col in ranks:
        scores = score_of[col.code]
        if code not in scores:
            continue
        expected = rank_among(scores[code], list(scores.values()))
        if int(rank) != expected:
            rep.error(
                "RANK_MISMATCH",
                at=(r, col.index),
                column=col.header,
                province=name_of(code, unit_set),
                rank=int(rank),
                score=round4(scores[code]),
                expected=expected,
            )
