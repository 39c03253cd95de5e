"""The store side of importing: the schema contract located back to cells, the diff
against the current version, and the all-or-nothing import of a valid parse."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from data.ingest.report import Problem, problem
from data.ingest.result import IngestResult
from data.provinces import name_of


@dataclass
class ImportOutcome:
    status: str  # created | identical | needs_replace | invalid
    version: Any = None  # data.store.VersionInfo
    diff: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)


def check_schema(result: IngestResult) -> list[Problem]:
    """The store's pandera contract (lazy: every failure), located back to cells."""
    from data.schema import SchemaError, validate_values

    try:
        validate_values(result.values)
    except SchemaError as exc:
        out = []
        vals = result.values
        for f in exc.failures.to_dict("records"):
            idx = f.get("index")
            cell = row = None
            where = result.sheet or result.file_name
            if idx is not None and not pd.isna(idx) and int(idx) in vals.index:
                rec = vals.loc[int(idx)]
                loc = result.locations.get((rec["province_code"], rec["indicator"]))
                if loc:
                    cell, row = loc[0], loc[1]
                    where = f"{result.sheet}!{cell}"
            out.append(
                problem(
                    "SCHEMA",
                    file=result.file_name,
                    sheet=result.sheet,
                    cell=cell,
                    row=row,
                    column=f.get("column"),
                    where=where,
                    check=f.get("check"),
                    value=f.get("failure_case"),
                )
            )
        return out
    return []


def diff_current(store: Any, result: IngestResult) -> pd.DataFrame:
    """The file's values against the current version of its edition.

    Columns province_code, province, indicator, old, new, delta, change (changed | added |
    removed); unchanged pairs are left out. An uninitialised store counts as empty."""
    cols = ["province_code", "province", "indicator", "old", "new", "delta", "change"]
    new = result.values[["province_code", "indicator", "value"]].rename(columns={"value": "new"})
    old = _current_values(store, result.edition, result.unit_set)
    old = old.rename(columns={"value": "old"})
    m = old.merge(new, on=["province_code", "indicator"], how="outer", indicator=True)
    m["delta"] = (m["new"] - m["old"]).round(10)
    both = m["_merge"] == "both"
    same = both & ((m["delta"].abs() < 1e-12) | (m["old"].isna() & m["new"].isna()))
    m = m[~same].copy()
    m["change"] = (
        m["_merge"]
        .map({"both": "changed", "left_only": "removed", "right_only": "added"})
        .astype(str)
    )
    us = result.unit_set or "63"
    m["province"] = m["province_code"].map(lambda c: name_of(c, us))
    return m[cols].sort_values(["province_code", "indicator"]).reset_index(drop=True)


def _current_values(store: Any, edition: int | None, unit_set: str | None) -> pd.DataFrame:
    import sqlalchemy as sa

    empty = pd.DataFrame(columns=["province_code", "indicator", "value"])
    if edition is None or unit_set is None:
        return empty
    if store.url.startswith("sqlite:///"):
        path = Path(store.url.removeprefix("sqlite:///"))
        if not path.exists():  # do not create a database just to read it
            return empty
    if not sa.inspect(store.engine).has_table("versions"):
        return empty
    vals = store.load_values()
    part = vals[(vals["edition"] == edition) & (vals["unit_set"] == unit_set)]
    return part[["province_code", "indicator", "value"]].reset_index(drop=True)


def import_result(
    store: Any,
    result: IngestResult,
    data: bytes,
    *,
    user: str,
    replace: bool = False,
    framework: Any = None,
    replace_framework: bool = False,
) -> ImportOutcome:
    """Store a valid parse as a new version, all or nothing.

    ``framework`` (a data.frameworks.Framework the file was parsed against, being
    declared with it) is stored in the same transaction as the values: both or neither.

    Refuses (nothing written) when the parse has errors or fails the store's schema, or
    when the edition already has a current version and ``replace`` is False, unless the
    identical file is already stored (then nothing is written either)."""
    if not result.ok or result.edition is None or result.unit_set is None:
        return ImportOutcome("invalid", problems=result.errors)
    schema_problems = check_schema(result)
    if schema_problems:
        return ImportOutcome("invalid", problems=schema_problems)
    diff = diff_current(store, result)
    store.seed_if_empty()
    existing = store.versions(result.edition, result.unit_set)
    same = [v for v in existing if v.sha256 == result.sha256]
    if same:
        return ImportOutcome("identical", version=same[-1], diff=diff.iloc[0:0])
    if any(v.current for v in existing) and not replace:
        return ImportOutcome("needs_replace", diff=diff)
    rows = result.values[["province_code", "indicator", "value", "source"]]
    if framework is None:
        res = store.import_version(
            result.edition,
            result.unit_set,
            rows,
            file_name=result.file_name,
            file_bytes=data,
            user=user,
        )
    else:
        from data.store import PendingImport

        item = PendingImport(
            result.edition,
            result.unit_set,
            rows,
            result.file_name,
            data,
            framework=framework,
            replace_framework=replace_framework,
        )
        res = store.import_batch([item], user=user, replace=True)[0]
    return ImportOutcome("created" if res.created else "identical", version=res.version, diff=diff)
