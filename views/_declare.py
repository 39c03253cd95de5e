"""The upload page's framework sections (issue 10): declaring a new edition's framework
for an uploaded file (points recovered from the file, a copy of an edition's framework, or
points by hand; unknown columns declared as new indices), replacing an edition's
framework (e.g. the assumed 2024 one), and a template for any edition and unit set.

Every computation is a call into app.declare / data.frameworks / app.imports; the texts
are keys of i18n/strings.csv. User text (headers) is shown in tables only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from app.declare import (
    from_points,
    infer_file,
    like,
    structure_base,
    year_range,
)
from app.imports import ImportOptions, Imports
from data.export import neutralise
from data.frameworks import (
    PILLARS,
    Framework,
    FrameworkError,
    declare,
    editions,
    framework,
    frameworks,
)
from data.ingest import IngestResult, make_template
from i18n import fmt_num, t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(exc: FrameworkError, lang: str) -> None:
    st.error(t("declare.invalid", lang))
    st.dataframe(
        pd.DataFrame({t("upload.col.message", lang): exc.messages(lang)}).pipe(neutralise),
        hide_index=True,
        width="stretch",
    )


def framework_table(fw: Framework, lang: str) -> pd.DataFrame:
    """Inputs of a framework: code, label, group, pillars, points."""
    return pd.DataFrame(
        {
            t("declare.col.code", lang): [c for c in fw.inputs],
            t("declare.col.label", lang): [fw.get(c).label(lang) for c in fw.inputs],
            t("declare.col.group", lang): [fw.get(c).group for c in fw.inputs],
            t("declare.col.pillars", lang): [" | ".join(fw.get(c).pillars) for c in fw.inputs],
            t("declare.col.points", lang): [fmt_num(fw.points[c], lang, 0) for c in fw.inputs],
        }
    )


def _new_indices(
    unmapped: list[str], key: str, lang: str
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Unknown columns the user declares as new indices: ({code: spec}, {header: code})."""
    specs: dict[str, dict[str, str]] = {}
    headers: dict[str, str] = {}
    for i, h in enumerate(unmapped):
        box = st.container(border=True)
        box.dataframe(
            pd.DataFrame({t("upload.col.column", lang): [h]}).pipe(neutralise), hide_index=True
        )
        if not box.checkbox(t("declare.new_index", lang), key=f"{key}_new_{i}"):
            continue
        c1, c2, c3, c4, c5 = box.columns([1, 2, 2, 1, 1])
        code = c1.text_input(t("declare.col.code", lang), key=f"{key}_code_{i}").strip()
        vi = c2.text_input(t("declare.label_vi", lang), value=h, key=f"{key}_vi_{i}")
        en = c3.text_input(t("declare.label_en", lang), key=f"{key}_en_{i}")
        group = c4.selectbox(
            t("declare.col.group", lang),
            ["activity", "foundation"],
            key=f"{key}_group_{i}",
        )
        pillar = c5.selectbox(t("declare.pillar", lang), list(PILLARS), key=f"{key}_pil_{i}")
        if code:
            specs[code] = {"label_vi": vi, "label_en": en, "group": group, "pillar": pillar}
            headers[h] = code
    return specs, headers


def show_fit(rec: Any, key: str, lang: str) -> None:
    """The least-squares fit: rows used, residuals, estimated and whole points."""
    st.caption(
        t(
            "declare.fit",
            lang,
            rows=rec.rows_used,
            residual=fmt_num(rec.residual, lang, 6),
            worst=fmt_num(rec.max_residual, lang, 6),
        )
    )
    if not rec.exact:
        st.warning(t("declare.fit_not_exact", lang))
    st.dataframe(
        pd.DataFrame(
            {
                t("declare.col.code", lang): list(rec.points),
                t("declare.col.estimate", lang): [
                    fmt_num(v, lang, 2) for v in rec.estimate.values()
                ],
                t("declare.col.points", lang): [fmt_num(v, lang, 0) for v in rec.points.values()],
            }
        ),
        hide_index=True,
        key=f"{key}_fit",
    )


def _recovered(
    data: bytes,
    name: str,
    year: int,
    mapping: Mapping[str, str],
    stand_in: Framework,
    imp: Imports,
    opts: ImportOptions,
    key: str,
    lang: str,
) -> dict[str, int] | None:
    """Points recovered from the file (the fit shown), or None with the reason shown."""
    inf = infer_file(
        data, name, year=year, mapping=mapping, base=stand_in, lang=lang,
        unit_set=opts.unit_set, saved_mappings=imp.saved(),
    )  # fmt: skip
    if inf.recovery is None:
        st.error(t("declare.cannot_recover", lang, reason=inf.reason or ""))
        return None
    show_fit(inf.recovery, key, lang)
    return dict(inf.recovery.points)


def declare_for_file(
    name: str,
    data: bytes,
    result: IngestResult,
    imp: Imports,
    opts: ImportOptions,
    key: str,
    lang: str,
) -> tuple[IngestResult, Framework] | None:
    """For a file whose year has no framework: the three ways to declare it, on the page.
    Returns the file parsed against the chosen framework (validated like any edition)
    and that framework, or None while nothing valid is chosen."""
    year = int(result.missing_framework or 0)
    st.subheader(t("declare.title", lang, year=year))
    st.info(t("declare.intro", lang, year=year, n=result.unit_set or "–"))
    unmapped = [p.column for p in result.problems if p.code == "UNMAPPED_HEADER" and p.column]
    new, new_map = _new_indices(unmapped, key, lang) if unmapped else ({}, {})
    mapping = {**dict(opts.mapping or {}), **new_map}
    method = st.radio(
        t("declare.method", lang),
        ["recover", "like", "hand"],
        format_func=lambda m: t(f"declare.method.{m}", lang),
        key=f"{key}_method",
        horizontal=True,
    )
    basis = st.text_input(
        t("declare.basis", lang),
        value=t("declare.basis_default", lang, year=year, file=name),
        key=f"{key}_basis",
    )
    base = structure_base(year)
    try:
        # the structure the file is read with: the latest one plus the new indices
        stand_in = from_points(
            year, {**base.points, **{c: 1.0 for c in new}}, basis=basis, base=base, new=new
        )
        if method == "recover":
            got = _recovered(data, name, year, mapping, stand_in, imp, opts, key, lang)
            if got is None:
                return None
            fw = from_points(year, got, basis=basis, base=base, new=new)
        elif method == "like":
            eds = sorted(editions(), reverse=True)
            src = st.selectbox(t("declare.like", lang), eds, key=f"{key}_like")
            fw = like(src, year, basis=basis)
        else:
            cols = st.columns(4)
            pts = {
                c: cols[i % 4].number_input(
                    stand_in.get(c).label(lang),
                    min_value=0.0,
                    value=float(base.points.get(c, 0.0)),
                    step=5.0,
                    key=f"{key}_pts_{c}",
                )
                for i, c in enumerate(stand_in.inputs)
            }
            fw = from_points(year, pts, basis=basis, base=base, new=new)
    except FrameworkError as exc:
        _errors(exc, lang)
        return None
    st.markdown(
        f"**{t('declare.chosen', lang, year=year, total=fmt_num(fw.total_points, lang, 0))}**"
    )
    st.dataframe(framework_table(fw, lang), hide_index=True, key=f"{key}_fw")
    res = imp.parse(data, name, opts, year=year, mapping=mapping, framework=fw)
    return res, fw


def replace_section(s: Any, user: str, uploads: Mapping[str, bytes], key: str, lang: str) -> None:
    """Replace an edition's framework (the assumed one first): points recovered from an
    uploaded file of that edition, or by hand; audited; everything recomputes."""
    fws = frameworks()
    eds = sorted(fws, key=lambda e: (not fws[e].assumed, -e))
    with st.expander(t("declare.replace_title", lang), expanded=False):
        edition = st.selectbox(
            t("upload.col.edition", lang),
            eds,
            format_func=lambda e: f"{e} · {t(f'declare.status.{fws[e].status}', lang)}",
            key=f"{key}_ed",
        )
        cur = fws[edition]
        st.caption(cur.basis_line(lang))
        if "gov" in cur.inputs:
            st.info(t("declare.replace_pillars", lang))
            return
        sources = ["hand", *[n for n in uploads]]
        src = st.selectbox(
            t("declare.replace_from", lang),
            sources,
            format_func=lambda x: t("declare.method.hand", lang) if x == "hand" else x,
            key=f"{key}_src",
        )
        basis = st.text_input(t("declare.basis", lang), key=f"{key}_basis")
        try:
            if src == "hand":
                cols = st.columns(4)
                pts = {
                    c: cols[i % 4].number_input(
                        cur.get(c).label(lang),
                        min_value=0.0,
                        value=float(cur.points[c]),
                        step=5.0,
                        key=f"{key}_pts_{c}",
                    )
                    for i, c in enumerate(cur.inputs)
                }
            else:
                inf = infer_file(
                    uploads[src], src, year=edition, base=cur, lang=lang,
                    saved_mappings=Imports(s).saved(),
                )  # fmt: skip
                if inf.recovery is None:
                    st.error(t("declare.cannot_recover", lang, reason=inf.reason or ""))
                    return
                pts = dict(inf.recovery.points)
                show_fit(inf.recovery, key, lang)
            fw = from_points(edition, pts, basis=basis or "–", base=cur)
        except FrameworkError as exc:
            _errors(exc, lang)
            return
        st.dataframe(framework_table(fw, lang), hide_index=True, key=f"{key}_table")
        sure = st.checkbox(t("declare.replace_check", lang, year=edition), key=f"{key}_sure")
        if st.button(
            t("declare.replace_go", lang),
            disabled=not (sure and basis.strip()),
            key=f"{key}_go",
        ):
            try:
                declare(s, fw, cur.unit_set or "63", user=user, replace_existing=True)
            except FrameworkError as exc:
                _errors(exc, lang)
                return
            st.session_state["upload_fw_flash"] = edition
            st.rerun()


def template_section(key: str, lang: str) -> None:
    """A blank workbook for any edition 2020 .. next year and either unit set."""
    with st.expander(t("declare.template_title", lang), expanded=False):
        years = list(year_range())[::-1]
        c1, c2 = st.columns(2)
        year = c1.selectbox(t("upload.col.edition", lang), years, key=f"{key}_year")
        unit_set = c2.selectbox(
            t("rankings.unit_set", lang),
            ["34", "63"],
            format_func=lambda u: t(f"unit.{u}", lang),
            key=f"{key}_unit",
        )
        try:
            fw = framework(year, unit_set) if (year, unit_set) in _pairs() else None
        except FrameworkError:
            fw = None
        st.caption(
            t("declare.template_from", lang, year=fw.edition)
            if fw is not None
            else t("declare.template_latest", lang, year=structure_base().edition)
        )
        st.download_button(
            t("declare.template_download", lang),
            make_template(year, unit_set),
            f"DTI_{year}_{unit_set}_mau.xlsx",
            XLSX,
            key=f"{key}_dl",
        )


def _pairs() -> list[tuple[int, str]]:
    from data.frameworks import edition_unit_sets

    return edition_unit_sets()
