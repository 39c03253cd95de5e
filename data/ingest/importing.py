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
    # created | identical (already stored and current: nothing written) | restored (an
    # identical earlier version made current again) | needs_replace | invalid | held (not
    # written because another file of the batch was refused) | busy (another import held
    # the store: try again) | stale (the edition changed since the preview: review again)
    status: str
    version: Any = None  # data.store.VersionInfo
    diff: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        """The file's data is now the current version (written now or before)."""
        return self.status in ("created", "identical", "restored")


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
    """One file: ``import_results`` with a batch of one.

    ``framework`` (a data.frameworks.Framework the file was parsed against, being
    declared with it) is stored in the same transaction as the values: both or neither."""
    return import_results(
        store,
        [(result, data)],
        user=user,
        replace=replace,
        framework=framework,
        replace_framework=replace_framework,
    )[0]


def import_results(
    store: Any,
    files: list[tuple[IngestResult, bytes]],
    *,
    user: str,
    replace: bool = False,
    basis: dict[tuple[int, str], int | None] | None = None,
    framework: Any = None,
    replace_framework: bool = False,
    mappings: list[Any] | None = None,
) -> list[ImportOutcome]:
    """Store valid parses as new versions in ONE transaction: all files or none.

    Nothing is written when any file has errors or fails the store's schema (``invalid``,
    the others ``held``), when an edition already has a current version and ``replace``
    is False (``needs_replace``), when another import holds the store (``busy``), or when
    ``basis`` (edition -> current version id the preview was computed against, from
    ``Store.current_ids``) no longer holds (``stale``). A file identical to a stored
    version (``Store.identical_version``: the one rule for app and CLI) writes nothing
    when that version is current and makes it current again with ``replace``."""
    from data.store import ImportBusy, PendingImport, StalePreview

    checked = []
    for result, _ in files:
        if not result.ok or result.edition is None or result.unit_set is None:
            checked.append(result.errors or check_schema(result))
        else:
            checked.append(check_schema(result))
    if any(checked):
        return [
            ImportOutcome("invalid", problems=ps) if ps else ImportOutcome("held") for ps in checked
        ]
    diffs = [diff_current(store, result) for result, _ in files]
    store.seed_if_empty()
    missing = object()
    # frameworks declared with the upload: one, or {edition: framework}; each file gets its
    # edition's (stored in the same transaction as its values)
    fws = framework if isinstance(framework, dict) else {}
    if framework is not None and not isinstance(framework, dict):
        fws = {int(framework.edition): framework}
    pending = []
    for i, (result, data) in enumerate(files):
        key = (int(result.edition), str(result.unit_set))  # type: ignore[arg-type]
        seen = missing if basis is None else basis.get(key, missing)
        pending.append(
            PendingImport(
                key[0],
                key[1],
                result.values[["province_code", "indicator", "value", "source"]],
                result.file_name,
                data,
                basis=None if seen is missing else seen,  # type: ignore[arg-type]
                check_basis=basis is not None,
                sha256=result.sha256,
                framework=fws.get(key[0]),
                replace_framework=replace_framework,
                mappings=mappings[i] if mappings else None,
            )
        )
        if basis is not None and seen is missing:  # a file the preview did not show
            return [ImportOutcome("stale", diff=d) for d in diffs]
    try:
        done = store.import_batch(pending, user=user, replace=replace)
    except ImportBusy:
        return [ImportOutcome("busy", diff=d) for d in diffs]
    except StalePreview:
        return [ImportOutcome("stale", diff=d) for d in diffs]
    return [
        ImportOutcome(
            r.status,
            version=r.version,
            diff=d.iloc[0:0] if r.status in ("identical", "restored") else d,
        )
        for r, d in zip(done, diffs, strict=True)
    ]
