"""Import / preview / diff / confirm: the one service behind the upload page and the data
CLI's ``validate``, ``import`` and ``diff``.

parse (data.ingest, with the store's saved mappings passed in) -> preview (the store's
schema contract, the diff against the current version, rank changes, what still needs a
mapping) -> confirm (one transaction: the versions, a framework declared with the upload,
the user's mappings saved and linked to the versions they produced). The statuses are
data.ingest.importing's: created, identical, restored, needs_replace, invalid, held,
busy, stale. The callers only draw (the page) or print (the CLI).

Example::

    imp = Imports(Store())
    result, data = imp.parse_path(Path("dti_2024.xlsx"), ImportOptions(year=2024))
    outcome = imp.confirm([(result, data)], user="op", replace=True)[0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from data.ingest import (
    ImportOutcome,
    IngestResult,
    Limits,
    Problem,
    SavedMappings,
    check_schema,
    diff_current,
    import_results,
    parse,
    problem,
)


@dataclass(frozen=True)
class ImportOptions:
    """What the uploader said about the files (None = detect), and the mappings they gave."""

    year: int | None = None
    unit_set: str | None = None
    scale: str | None = None
    mapping: Mapping[str, str] | None = None
    province_mapping: Mapping[str, Mapping[str, str]] | None = None
    missing_tokens: Sequence[str] = ()
    override_year: bool = False
    limits: Limits | None = None

    @property
    def given(self) -> SavedMappings:
        """The mappings given with this import: saved after a successful one."""
        return SavedMappings(dict(self.mapping or {}), dict(self.province_mapping or {}))


@dataclass
class Preview:
    """What confirming would do, per file name."""

    results: dict[str, IngestResult]
    problems: dict[str, list[Problem]]  # the parse's and the store contract's
    valid: dict[str, IngestResult]  # files without errors
    clash: bool  # two valid files for one (edition, unit set)
    basis: dict[tuple[int, str], int | None]  # current version ids the preview was made on
    diffs: dict[str, pd.DataFrame] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)  # headers that need a mapping
    unknown_names: list[tuple[str, str]] = field(default_factory=list)  # (unit set, name)

    @property
    def removing(self) -> dict[str, int]:
        """File -> how many current values it would remove."""
        return {n: int((d["change"] == "removed").sum()) for n, d in self.diffs.items()}

    @property
    def storable(self) -> bool:
        """All or nothing: every file valid and no two for one edition."""
        return len(self.valid) == len(self.results) and not self.clash


class Imports:
    """The import service over one store (``data.store.Store``)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._saved: SavedMappings | None = None

    # ----- parse --------------------------------------------------------------------
    def saved(self) -> SavedMappings:
        """The saved mappings every process shares (read once per service)."""
        if self._saved is None:
            from data import mappings_store
            from data.store import StoreError, is_outage

            try:
                self._saved = mappings_store.load(self.store)
            except Exception as exc:
                if not is_outage(exc):
                    raise
                raise StoreError(
                    f"cannot read the saved mappings from {self.store.url_safe}: {exc}"
                ) from None
        return self._saved

    def parse(self, data: bytes, name: str, opts: ImportOptions, **over: Any) -> IngestResult:
        """``data.ingest.parse`` with the options and the saved mappings (``over``
        overrides a parse argument: the page's declaration reparses with a framework)."""
        kw: dict[str, Any] = {
            "year": opts.year,
            "unit_set": opts.unit_set,
            "scale": opts.scale,
            "mapping": opts.mapping,
            "province_mapping": opts.province_mapping,
            "missing_tokens": list(opts.missing_tokens),
            "override_year": opts.override_year,
            "limits": opts.limits,
            "saved_mappings": self.saved(),
        }
        return parse(data, name, **{**kw, **over})

    def parse_path(self, path: Path, opts: ImportOptions) -> tuple[IngestResult, bytes]:
        """Read and parse a file on disk; a missing or oversized one is a located problem
        (an oversized one is never read into memory)."""
        limits = opts.limits or Limits()
        try:
            size = path.stat().st_size
            data = path.read_bytes() if size <= limits.max_file_bytes else b""
        except OSError:
            res = IngestResult(file_name=path.name, sha256="")
            res.problems.append(problem("FILE_NOT_FOUND", file=str(path)))
            return res, b""
        if size > limits.max_file_bytes:
            mb = 1024 * 1024
            res = IngestResult(file_name=path.name, sha256="")
            res.problems.append(
                problem(
                    "FILE_TOO_LARGE",
                    file=path.name,
                    size=round(size / mb, 1),
                    cap=round(limits.max_file_bytes / mb, 1),
                )
            )
            return res, b""
        return self.parse(data, path.name, replace(opts, limits=limits)), data

    # ----- preview ------------------------------------------------------------------
    @staticmethod
    def problems(result: IngestResult) -> list[Problem]:
        """The parse's problems plus the store's schema contract on a valid parse."""
        return result.problems + (check_schema(result) if result.ok else [])

    def diff(self, result: IngestResult) -> pd.DataFrame:
        """The file's values against the current version of its edition (writes nothing)."""
        return diff_current(self.store, result)

    def preview(self, results: Mapping[str, IngestResult]) -> Preview:
        """Problems, validity, the basis (read before the diffs) and the diffs."""
        problems = {name: self.problems(r) for name, r in results.items()}
        valid = {
            n: r
            for n, r in results.items()
            if not [p for p in problems[n] if p.severity == "error"]
        }
        targets = [(r.edition, r.unit_set) for r in valid.values()]
        current = self.store.current_ids()
        pv = Preview(
            dict(results),
            problems,
            valid,
            len(targets) != len(set(targets)),
            {k: current.get(k) for k in set(targets)},  # type: ignore[misc]
        )
        pv.diffs = {name: self.diff(r) for name, r in valid.items()}
        pv.unmapped = sorted(
            {
                p.column
                for ps in problems.values()
                for p in ps
                if p.code in ("UNMAPPED_HEADER", "HEADER_AMBIGUOUS") and p.column
            }
        )
        pv.unknown_names = sorted(
            {
                (results[n].unit_set or "63", p.subject)
                for n, ps in problems.items()
                for p in ps
                if p.code == "UNKNOWN_PROVINCE" and p.subject
            }
        )
        return pv

    def merge_with_current(self, pv: Preview, name: str) -> None:
        """Keep the current values file ``name`` does not have (instead of removing them)."""
        from app.preview import merge_with_current
        from data.provinces import name_of

        r = pv.valid[name]
        rows = merge_with_current(self.store.load_values(), r.rows)
        rows["province"] = [name_of(c, str(r.unit_set)) for c in rows["province_code"]]
        pv.valid[name] = replace(r, rows=rows)
        pv.diffs[name] = self.diff(pv.valid[name])

    def rank_moves(self, pv: Preview, declared: Iterable[Any] = ()) -> pd.DataFrame | None:
        """Scores and ranks before and after (app.preview.rank_changes); None when the
        batch cannot be ranked (nothing valid, or two files for one edition)."""
        from app.preview import rank_changes

        if not pv.valid or pv.clash:
            return None
        return rank_changes(
            self.store.load_values(),
            [r.values for r in pv.valid.values()],
            {fw.edition: fw for fw in declared},
        )

    # ----- confirm ------------------------------------------------------------------
    def confirm(
        self,
        files: Sequence[tuple[IngestResult, bytes]],
        *,
        user: str,
        replace: bool = False,
        basis: dict[tuple[int, str], int | None] | None = None,
        framework: Any = None,
        replace_framework: bool = False,
        mappings: SavedMappings | None = None,
    ) -> list[ImportOutcome]:
        """Store the files as new versions in ONE transaction (data.ingest.import_results:
        all or nothing, the stale-preview and busy refusals), with ``framework`` declared in
        it and ``mappings`` (the ones the user gave) saved in it, audited; each new version
        records the mappings that produced its values."""
        from data.mappings_store import MappingsToSave

        given = mappings or SavedMappings()
        return import_results(
            self.store,
            list(files),
            user=user,
            replace=replace,
            basis=basis,
            framework=framework,
            replace_framework=replace_framework,
            mappings=[MappingsToSave(given, r.mappings_used, r.file_name) for r, _ in files],
        )
