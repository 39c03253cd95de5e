"""Exports of stored data (CSV/XLSX), safe against formula injection."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data.frameworks import ALL_INDICATORS
from data.provinces import provinces
from data.store import Store
from domain.provenance import kind_of

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def edition_table(store: Store, edition: int, unit_set: str) -> pd.DataFrame:
    """Stored values of one edition, wide: province_code, province, then for each canonical
    indicator the edition has its value (as stored, not recomputed) and ``<indicator>_
    provenance``, the value's kind (published, uploaded, derived, pro-forma,
    illustrative; empty where there is no value)."""
    vals = store.load_values()
    part = vals[(vals["edition"] == edition) & (vals["unit_set"] == unit_set)]
    if part.empty:
        raise LookupError(f"no data for edition {edition} ({unit_set} provinces)")
    part = part.assign(provenance=part["source"].map(kind_of))
    wide = part.pivot(index="province_code", columns="indicator", values="value")
    kinds = part.pivot(index="province_code", columns="indicator", values="provenance")
    present = [c for c in ALL_INDICATORS if c in wide.columns]
    cols = []
    for c in present:
        wide[f"{c}_provenance"] = kinds[c]
        cols += [c, f"{c}_provenance"]
    names = {p.code: p.name for p in provinces(unit_set)}
    out = wide[cols].reset_index()
    out.insert(1, "province", out["province_code"].map(names))
    return out.sort_values("province_code").reset_index(drop=True)


def export_edition(store: Store, edition: int, unit_set: str, fmt: str, path: Path) -> int:
    table = neutralise(edition_table(store, edition, unit_set))
    if fmt == "csv":
        table.to_csv(path, index=False, encoding="utf-8")
    else:
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            table.to_excel(xw, sheet_name=f"DTI {edition}", index=False)
    return len(table)


def table_bytes(df: pd.DataFrame, fmt: str, sheet: str = "DTI") -> bytes:
    """A table as CSV (UTF-8 with BOM, so Excel shows Vietnamese) or XLSX bytes, with
    formula-like text neutralised."""
    import io

    safe = neutralise(df)
    if fmt == "csv":
        return safe.to_csv(index=False).encode("utf-8-sig")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        safe.to_excel(xw, sheet_name=sheet[:31], index=False)
    return buf.getvalue()
