"""Declaring an edition's framework: from a results file (recovered points), like an
earlier edition, from a framework CSV, or by hand. The CLI (``python -m data framework``)
and the upload page call these functions, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from data.frameworks import (
    ALL_INDICATORS,
    TOTAL,
    Framework,
    FrameworkError,
    FrameworkProblem,
    Indicator,
    build,
    framework,
    frameworks,
    indicators_from_rows,
    read_csv_rows,
)
from domain.framework import (  # noqa: F401 - year_range re-exported for the pages
    check_year,
    structure_base_of,
    year_range,
)
from i18n import t
from metrics.recovery import Recovery, RecoveryError, recover_points

if TYPE_CHECKING:
    from data.store import Store


def structure_base(year: int | None = None, store: Store | None = None) -> Framework:
    """The framework whose structure (groups, pillars, labels) a new edition starts from:
    the latest edition before ``year`` that is scored on main indices (not pillars)."""
    return structure_base_of(frameworks(store), year)


def like(source_year: int, year: int, *, basis: str, store: Store | None = None) -> Framework:
    """``source_year``'s framework for ``year``, declared."""
    check_year(year)
    src = framework(source_year, store=store)
    return build(
        int(year),
        src.indicators,
        basis=basis,
        status="declared",
    )


def from_csv(text: str, name: str, year: int, *, basis: str) -> Framework:
    """A framework from CSV text in the columns of data/files/frameworks.csv (rows of
    other editions, when the file has an ``edition`` column, are left out)."""
    check_year(year)
    rows = [r for r in read_csv_rows(text, name) if r.get("edition", "") in ("", str(year))]
    if not rows:
        raise FrameworkError([FrameworkProblem("csv_empty", name, {"year": year})])
    inds, where = indicators_from_rows(rows)
    return build(int(year), inds, basis=basis, status="declared", where=where)


def from_points(
    year: int,
    points: Mapping[str, float],
    *,
    basis: str,
    base: Framework | None = None,
    new: Mapping[str, Mapping[str, Any]] | None = None,
    store: Store | None = None,
) -> Framework:
    """``base``'s structure (default: ``structure_base(year)``) with these points; indices
    of ``base`` not in ``points`` are left out; ``new`` declares new indices as
    {code: {"label_vi", "label_en", "pillar", "group"}} (their points in ``points``)."""
    check_year(year)
    base = base or structure_base(year, store)
    new = new or {}
    inds: list[Indicator] = []
    for i in base.indicators:
        if i.group in ("foundation", "activity"):
            if i.code in points:
                inds.append(replace(i, points=float(points[i.code])))
        elif i.group == "total":
            inds.append(replace(i, points=None))
        else:
            inds.append(i)
    at = next((n for n, i in enumerate(inds) if i.group == "pillar"), len(inds))
    for code, spec in new.items():
        group = str(spec.get("group") or "activity")
        pillar = str(spec.get("pillar") or "")
        pillars = ("gov", "econ", "soc") if group == "foundation" and not pillar else (pillar,)
        inds.insert(
            at,
            Indicator(
                code=code,
                group=group,
                points=float(points.get(code, 0)),
                pillars=tuple(p for p in pillars if p),
                label_vi=str(spec.get("label_vi") or ""),
                label_en=str(spec.get("label_en") or ""),
            ),
        )
        at += 1
    unknown = [c for c in points if c not in {i.code for i in inds}]
    if unknown:
        raise FrameworkError(
            [
                FrameworkProblem(
                    "unknown_code",
                    f"DTI {year} / {c}",
                    {"code": c, "known": ", ".join(base.inputs)},
                )
                for c in unknown
            ]
        )
    return build(int(year), inds, basis=basis, status="declared")


@dataclass(frozen=True)
class Inference:
    """What a results file says about its edition's points."""

    recovery: Recovery | None
    reason: str | None  # a refusal, in the language asked for
    result: Any  # the IngestResult the table came from
    indices: tuple[str, ...]


def recovery_message(exc: RecoveryError, lang: str) -> str:
    return t(f"recover.{exc.reason}", lang, **{k: str(v) for k, v in exc.params.items()})


def infer_table(
    wide: Any, indices: list[str], total_points: float, lang: str = "vi"
) -> tuple[Recovery | None, str | None]:
    """Recovery on a wide table (province_code, indices, dti) or the refusal message."""
    try:
        rec = recover_points(
            wide, indices, total=TOTAL, total_points=total_points, unit="province_code"
        )
    except RecoveryError as exc:
        return None, recovery_message(exc, lang)
    return rec, None


def wide_values(rows: Any) -> Any:
    """Tidy ingest rows -> one row per province, one column per indicator."""
    if rows is None or len(rows) == 0:
        import pandas as pd

        return pd.DataFrame(columns=["province_code"])
    return rows.pivot(index="province_code", columns="indicator", values="value").reset_index()


def file_indices(rows: Any, known: tuple[str, ...] = ALL_INDICATORS) -> list[str]:
    """The main-index columns of parsed rows (composites left out), in framework order."""
    have = set(rows["indicator"]) if len(rows) else set()
    composites = {"gov", "econ", "soc", TOTAL}
    order = [c for c in dict.fromkeys(known) if c in have and c not in composites]
    return order + sorted(c for c in have if c not in composites and c not in order)


@dataclass(frozen=True)
class FileInference:
    recovery: Recovery | None
    reason: str | None
    result: Any  # IngestResult
    year: int | None
    unit_set: str | None
    indices: tuple[str, ...]

    @property
    def file_level(self) -> bool:
        return bool(self.result.file_level)


# Problems that a candidate framework's points cause by design while recovering.
_POINTS_DEPENDENT = {"TOTAL_MISMATCH", "RANK_MISMATCH"}


def reading_framework(year: int | None, store: Store | None = None) -> Framework:
    """The framework a results file of ``year`` is read with while its points are not
    known: the edition's own when stored, else the latest structure."""
    from data.frameworks import stored_frameworks

    if year is not None:
        for (e, _s), fw in stored_frameworks(store).items():
            if e == int(year):
                return fw
    base = structure_base(year, store)
    return replace(base, edition=int(year) if year is not None else base.edition)


def infer_file(
    data: bytes,
    file_name: str,
    *,
    year: int | None = None,
    unit_set: str | None = None,
    total_points: float = 1000.0,
    lang: str = "vi",
    mapping: Mapping[str, str] | None = None,
    base: Framework | None = None,
    store: Store | None = None,
    saved_mappings: Any = None,
) -> FileInference:
    """Read a results file with a stand-in framework (``base``, default the edition's own
    when stored, else the latest structure) and recover its points by least squares. The
    totals of the file are not checked against the stand-in's points (that is the
    question asked); every other problem of the file is reported in ``result``.
    ``saved_mappings``: the store's (app.imports.Imports.saved), used as by an import."""
    from data.ingest import parse

    fw = base or (reading_framework(year, store) if year is not None else structure_base())
    res = parse(
        data, file_name, year=year, unit_set=unit_set, mapping=mapping, framework=fw,
        saved_mappings=saved_mappings,
    )  # fmt: skip
    # the totals and ranks against the stand-in's points are not the file's problems
    res.problems[:] = [p for p in res.problems if p.code not in _POINTS_DEPENDENT]
    rows = res.rows
    if res.file_level or rows is None or len(rows) == 0:
        msg = t("recover.no_rows", lang)
        return FileInference(None, msg, res, res.edition, res.unit_set, ())
    wide = wide_values(rows)
    indices = file_indices(rows, fw.codes + ALL_INDICATORS)
    rec, reason = infer_table(wide, indices, total_points, lang)
    return FileInference(rec, reason, res, res.edition, res.unit_set, tuple(indices))
