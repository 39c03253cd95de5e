"""parse(): spreadsheet/CSV bytes -> an IngestResult, as a sequence of named stages.

safety -> read -> table -> edition, columns -> rows, unit set, provinces -> values ->
scale -> tidy rows -> totals -> ranks. Each stage reports located problems through one
Reporter; a file-level problem stops the parse (IngestError) with nothing kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from data.frameworks import Framework, framework
from data.ingest import checks
from data.ingest.extent import check_extent
from data.ingest.mappings import (
    DECLARING_CODES,
    Hits,
    SavedMappings,
    header_mapping,
    used_mappings,
)
from data.ingest.mappings import province_mapping as _province_map
from data.ingest.read import formulas_without_value, read_sheets
from data.ingest.report import IngestError, Reporter
from data.ingest.result import IngestResult
from data.ingest.safety import Limits, check_file, check_zip
from data.ingest.table import PROVINCE_MAP, locate_table


@dataclass(frozen=True)
class Options:
    """What the caller said about the file (None = detect)."""

    year: int | None = None
    unit_set: str | None = None
    scale: str | None = None
    mapping: Mapping[str, str] | None = None
    saved: SavedMappings | None = None
    limits: Limits = Limits()
    missing_tokens: frozenset[str] = frozenset()
    framework: Framework | None = None
    override_year: bool = False
    mapping_hits: dict[str, set] = field(default_factory=dict)


def parse(
    data: bytes,
    file_name: str,
    *,
    year: int | None = None,
    unit_set: str | None = None,
    scale: str | None = None,
    mapping: Mapping[str, str] | None = None,
    use_saved_mappings: bool = True,
    saved_mappings: SavedMappings | None = None,
    limits: Limits | None = None,
    province_mapping: Mapping[str, Mapping[str, str]] | None = None,
    missing_tokens: Iterable[str] | None = None,
    framework: Framework | None = None,
    override_year: bool = False,
) -> IngestResult:
    """Read a DTI spreadsheet or CSV: tidy rows plus every located problem.

    Writes nothing. ``scale`` is "1", "100" or "1000" (points); None = detect. ``mapping``
    maps header texts the alias table does not know to codes (see data.ingest.mappings);
    ``province_mapping`` ({unit_set: {"name": "code"}}) does the same for province names.
    ``saved_mappings`` (the store's, loaded by app.imports: this package reads no store)
    are used under those, unless ``use_saved_mappings`` is False. The user mappings that
    resolved a header or a name are in ``result.mappings_used``.
    ``missing_tokens`` are the texts the uploader declares as "missing" ("n/a", "-");
    any other text in a value cell is an error.
    ``framework``: read and check the file against this framework (one being declared with
    the file) instead of the stored one of its year. ``override_year``: the user confirmed
    that ``year`` wins over a different year in the file's title (else that is refused).
    Example: parse(Path("dti_2022.xlsx").read_bytes(), "dti_2022.xlsx").ok
    """
    saved = saved_mappings if use_saved_mappings else None
    hits: dict[str, set] = {"header": set()}
    opts = Options(
        year,
        unit_set,
        scale,
        mapping,
        saved,
        limits or Limits(),
        checks.normalise_tokens(missing_tokens),
        framework,
        override_year,
        hits,
    )
    result = IngestResult(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    by_set = _province_map(province_mapping, saved)
    token = PROVINCE_MAP.set({u: Hits(m, hits.setdefault(u, set())) for u, m in by_set.items()})
    codes = DECLARING_CODES.set(frozenset(framework.codes if framework is not None else ()))
    try:
        _stages(result, data, opts)
    except IngestError as exc:
        result.problems.append(exc.problem)
        result.rows = result.rows.iloc[0:0]
    finally:
        PROVINCE_MAP.reset(token)
        DECLARING_CODES.reset(codes)
    province_hits = {u: hits.get(u, set()) for u in [result.unit_set] if u}
    result.mappings_used = used_mappings(
        mapping, province_mapping, saved, hits["header"], province_hits
    )
    return result


def new_index_headers(extra: Framework | None = None) -> dict[str, tuple[str, str]]:
    """Header keys of declared new indices (not in the alias table): their vi/en labels,
    from every stored framework and ``extra`` (one being declared with the file)."""
    from data.frameworks import ALL_INDICATORS, stored_frameworks
    from data.ingest.table import header_key

    fws = [*stored_frameworks().values(), *([extra] if extra is not None else [])]
    out: dict[str, tuple[str, str]] = {}
    for fw in fws:
        for i in fw.indicators:
            if i.code not in ALL_INDICATORS:
                for label in (i.label_vi, i.label_en):
                    if header_key(label):
                        out[header_key(label)] = (i.code, "value")
    return out


def _stages(result: IngestResult, data: bytes, opts: Options) -> None:
    rep = Reporter(result.problems, result.file_name)
    kind = check_file(data, result.file_name, opts.limits, rep)
    formula_members = check_zip(data, opts.limits, rep) if kind in ("xlsx", "ods") else set()
    if kind in ("xlsx", "ods", "xls"):
        check_extent(data, kind, opts.limits, rep)  # before calamine builds any grid
    sheets = read_sheets(data, kind, rep, opts.limits)
    user = header_mapping(opts.mapping, opts.saved)
    mapping = Hits({**new_index_headers(opts.framework), **user}, opts.mapping_hits["header"])
    table = locate_table(sheets, mapping, rep)
    result.sheet = table.sheet.name
    result.headers = {
        c.header: c.code + (":rank" if c.kind == "rank" else "") for c in table.columns
    }
    rep = rep.on(table.sheet.name)
    formula_empty = formulas_without_value(data, kind, formula_members, table.sheet, rep)
    result.detected_year = next((y for _s, y in checks.detect_year(table, result.file_name)), None)
    result.edition = edition = checks.choose_edition(
        table,
        result.file_name,
        opts.year,
        rep,
        override_year=opts.override_year,
        fw=opts.framework,
    )
    if not checks.check_columns(table, edition, rep, opts.framework):
        return
    entries = checks.data_rows(table, rep)
    result.unit_set = unit_set = checks.choose_unit_set(
        entries, opts.unit_set, edition, rep, declaring=opts.framework is not None
    )
    good, complete = checks.check_provinces(entries, table, unit_set, rep)
    values, ranks = checks.read_values(
        good, table, unit_set, formula_empty, rep, opts.missing_tokens
    )
    if edition is None:
        return
    fw = opts.framework or framework(edition)
    result.scale = scale = checks.choose_scale(fw, values, opts.scale, rep)
    if scale is None:
        return
    result.rows = checks.tidy_rows(values, fw, scale, edition, unit_set, result.locations, rep)
    stored = checks.check_totals(result.rows, result.locations, fw, unit_set, rep)
    if ranks and complete:  # ranks are relative to all provinces: a complete table only
        checks.check_ranks(stored, ranks, fw, unit_set, rep)
