"""Tải lên / Upload: new data for an edition, validated, previewed and confirmed.

Upload -> located problems (the CLI's messages) -> header mapping -> diff and rank changes
-> confirm -> a new version in the store (audited) -> every app process sees it on its
next rerun through the store's data-version stamp. User-supplied text (file names, header
and province names, cell contents) is only ever shown inside tables, never as markup.
"""

import pandas as pd
import streamlit as st

from app.declare import year_range
from app.imports import ImportOptions, Imports
from app.preview import home_first
from data.export import neutralise
from data.frameworks import FrameworkError, frameworks, indicator_codes
from data.ingest import SUPPORTED_EXTENSIONS, name_of
from data.provinces import provinces, suggest
from i18n import fmt_int, fmt_num, fmt_rank_change, t
from views._auth import require_uploader
from views._declare import declare_for_file, replace_section, template_section
from views._shared import current_lang, home, store, uploader_style

MAX_WRAPPED = 200  # problems shown as a wrapped table; more go into a scrolling grid

# Inputs (the gate comes first: nothing below runs without the uploader role)
lang = current_lang()
user = require_uploader(lang)
s = store()
HOME = home()  # the home province (its code differs between the 63 and 34 sets)
st.title(t("upload.title", lang))
# The province's own assessments have their own section (views/_internal.py).
if (
    st.radio(
        t("upload.kind", lang),
        ["national", "internal"],
        format_func=lambda k: t(f"upload.kind.{k}", lang),
        horizontal=True,
        key="upload_kind",
    )
    == "internal"
):
    from views._internal import internal_upload_section

    internal_upload_section(s, user, lang)
    st.stop()
st.caption(t("upload.caption", lang))

fw_flash = st.session_state.pop("upload_fw_flash", None)
if fw_flash:
    st.success(t("declare.replaced", lang, year=fw_flash))
flash = st.session_state.pop("upload_flash", None)
if flash:
    for edition, unit_set, number, created in flash:
        key = "upload.stored" if created else "upload.identical"
        st.success(t(key, lang, edition=edition, n=unit_set, number=number))

nonce = st.session_state.setdefault("upload_nonce", 0)
# The uploader's own words (its button, the size limit) in the page's language.
st.html(
    uploader_style(
        t("upload.browse", lang),
        t(
            "upload.limit",
            lang,
            mb=fmt_int(st.get_option("server.maxUploadSize"), lang),
            types=", ".join(e.upper() for e in SUPPORTED_EXTENSIONS),
        ),
    )
)
files = st.file_uploader(
    t("upload.files", lang),
    type=list(SUPPORTED_EXTENSIONS),
    accept_multiple_files=True,
    key=f"upload_files_{nonce}",
)
with st.expander(t("upload.options", lang)):
    year = st.selectbox(
        t("upload.year", lang),
        [None, *sorted(year_range(), reverse=True)],
        format_func=lambda y: t("upload.auto", lang) if y is None else str(y),
        key="upload_year",
    )
    # A chosen year never silently overrides the year written in the file's title.
    override_year = st.checkbox(
        t("upload.override_year", lang),
        help=t("upload.override_year_help", lang),
        key="upload_override_year",
    )
    scale = st.selectbox(
        t("upload.scale", lang),
        [None, "1", "100", "1000"],
        format_func=lambda v: t("upload.auto", lang) if v is None else t(f"upload.scale_{v}", lang),
        key="upload_scale",
    )
    missing_text = st.text_input(
        t("upload.missing_tokens", lang),
        help=t("upload.missing_tokens_help", lang),
        max_chars=200,
        key="upload_missing",
    )
missing_tokens = [m for m in (missing_text or "").split(",") if m.strip()]
mapping: dict[str, str] = st.session_state.setdefault("upload_mapping", {})
province_map: dict[str, dict[str, str]] = st.session_state.setdefault("upload_province_mapping", {})

blobs = {f.name: f.getvalue() for f in files} if files else {}
template_section(f"tpl_{nonce}", lang)
replace_section(s, user, blobs, f"rep_{nonce}", lang)
if not files:
    st.info(t("upload.empty", lang))
    st.stop()

# Compute (calls only: app.imports is the one service the CLI uses too)
imp = Imports(s)
opts = ImportOptions(
    year=year,
    scale=scale,
    mapping=mapping,
    province_mapping=province_map,
    override_year=override_year,
    missing_tokens=missing_tokens,
)
results = {name: imp.parse(data, name, opts) for name, data in blobs.items()}
# A year with no framework: declare it here (recovered, copied or by hand), then the file
# is checked against it like any edition; the framework is stored with the upload.
declared = {}
for i, (name, r) in enumerate(list(results.items())):
    if r.missing_framework is not None:
        got = declare_for_file(name, blobs[name], r, imp, opts, f"decl_{nonce}_{i}", lang)
        if got is not None:
            results[name], declared[name] = got
# The preview's basis: which version of each edition it is computed against (read before
# the diff). The confirm click reruns the page, so the basis the user SAW is the previous
# run's; the store refuses the import if another version became current since.
seen_basis = st.session_state.get("upload_basis")
pv = imp.preview(results)
problems, valid, clash, diffs = pv.problems, pv.valid, pv.clash, pv.diffs
st.session_state["upload_basis"] = pv.basis
# A file that would remove current values: red warning, and the choice to merge it with
# the current version (keep what the file does not have) instead of replacing it.
for name, n_removed in pv.removing.items():
    if not n_removed:
        continue
    r = valid[name]
    st.error(
        t("upload.removes", lang, n=fmt_int(n_removed, lang), edition=r.edition, units=r.unit_set)
    )
    how = st.radio(
        t("upload.merge_choice", lang),
        ["merge", "replace"],
        format_func=lambda k: t(f"upload.merge.{k}", lang),
        key=f"merge_{name}_{nonce}",
        horizontal=True,
    )
    if how == "merge":
        imp.merge_with_current(pv, name)
moves = imp.rank_moves(pv, declared.values())
unmapped, unknown_names = pv.unmapped, pv.unknown_names

# Draw
st.subheader(t("upload.summary", lang))
st.dataframe(
    pd.DataFrame(
        {
            t("upload.col.file", lang): list(results),
            t("upload.col.edition", lang): [r.edition or "–" for r in results.values()],
            t("upload.col.unit_set", lang): [r.unit_set or "–" for r in results.values()],
            t("upload.col.rows", lang): [fmt_int(len(r.rows), lang) for r in results.values()],
            t("upload.col.errors", lang): [
                sum(p.severity == "error" for p in problems[n]) for n in results
            ],
            t("upload.col.warnings", lang): [
                sum(p.severity == "warning" for p in problems[n]) for n in results
            ],
            t("upload.col.status", lang): [
                t("upload.status.ok" if n in valid else "upload.status.bad", lang) for n in results
            ],
        }
    ).pipe(neutralise),
    hide_index=True,
    width="stretch",
    key="upload_summary",
)

report = [(n, p) for n, ps in problems.items() for p in ps]
if report:
    st.subheader(t("upload.problems", lang))
    if len(valid) < len(results):
        st.error(t("upload.has_errors", lang))
    # st.table wraps long messages, so "how to fix" stays visible at 1366 px; a very long
    # report goes into a scrolling grid instead.
    show = st.table if len(report) <= MAX_WRAPPED else st.dataframe
    show(
        pd.DataFrame(
            {
                t("upload.col.file", lang): [n for n, _ in report],
                t("upload.col.sheet", lang): [p.sheet or "" for _, p in report],
                t("upload.col.cell", lang): [p.cell or "" for _, p in report],
                t("upload.col.column", lang): [p.column or "" for _, p in report],
                t("upload.col.severity", lang): [
                    t(f"upload.severity.{p.severity}", lang) for _, p in report
                ],
                t("upload.col.message", lang): [p.message(lang) for _, p in report],
            }
        ).pipe(neutralise),
        hide_index=True,
        width="stretch",
        **({} if show is st.table else {"key": "upload_problems"}),
    )

if unmapped:
    st.subheader(t("upload.mapping", lang))
    st.caption(t("upload.mapping_help", lang))
    codes = indicator_codes()
    choices = ["", "ignore", "province", *codes, *[f"{c}:rank" for c in codes]]
    with st.form("upload_mapping_form"):
        picked = {
            h: st.selectbox(
                t("upload.mapping_for", lang, n=i + 1),
                choices,
                help=t("upload.mapping_header_help", lang),
                format_func=lambda c: t("upload.mapping_none", lang) if c == "" else c,
                key=f"map_{i}",
            )
            for i, h in enumerate(unmapped)
        }
        # The header text itself goes in a table (text, never markup).
        st.dataframe(
            pd.DataFrame(
                {"#": range(1, len(unmapped) + 1), t("upload.col.column", lang): unmapped}
            ).pipe(neutralise),
            hide_index=True,
        )
        if st.form_submit_button(t("upload.mapping_apply", lang)):
            mapping.update({h: c for h, c in picked.items() if c})
            st.rerun()

if unknown_names:
    st.subheader(t("upload.province_mapping", lang))
    st.caption(t("upload.province_mapping_help", lang))
    with st.form("upload_province_form"):
        chosen = {}
        for i, (unit_set, name) in enumerate(unknown_names):
            official = {p.code: p.name for p in provinces(unit_set)}
            near = [c for n in suggest(name, unit_set) for c, o in official.items() if o == n]
            options = ["", *near, *sorted(set(official) - set(near), key=official.get)]
            # The name as written is shown as a widget label: plain text, never markup.
            chosen[(unit_set, name)] = st.selectbox(
                t("upload.province_for", lang, name=name),
                options,
                format_func=lambda c, o=official: (
                    t("upload.mapping_none", lang) if c == "" else f"{o[c]} ({c})"
                ),
                key=f"pmap_{i}",
            )
        if st.form_submit_button(t("upload.mapping_apply", lang)):
            for (unit_set, name), code in chosen.items():
                if code:
                    province_map.setdefault(unit_set, {})[name] = code
            st.rerun()

if clash:
    st.error(t("upload.clash", lang))
if len(valid) < len(results) or clash:  # all or nothing: fix the file, upload again
    st.warning(t("upload.nothing_stored", lang))
    st.stop()

st.subheader(t("upload.preview", lang))
for name, r in valid.items():
    diff = diffs[name]
    st.markdown(f"**{t('upload.preview_for', lang, edition=r.edition, n=r.unit_set)}**")
    if diff.empty:
        st.info(t("upload.no_change", lang))
        continue
    diff = home_first(diff, HOME.code, ["province_code", "indicator"], unit_set=r.unit_set)
    fw = declared.get(name) or (frameworks(s).get(int(r.edition)) if r.edition else None)
    shown = diff.assign(
        indicator=[fw.get(i).label(lang) if fw and i in fw.codes else i for i in diff["indicator"]],
        old=[fmt_num(v, lang) for v in diff["old"]],
        new=[fmt_num(v, lang) for v in diff["new"]],
        delta=[fmt_num(v, lang, signed=True) for v in diff["delta"]],
        change=[t(f"upload.change.{c}", lang) for c in diff["change"]],
    ).rename(
        columns={
            "province_code": t("upload.col.code", lang),
            "province": t("upload.col.province", lang),
            "indicator": t("upload.col.indicator", lang),
            "old": t("upload.col.old", lang),
            "new": t("upload.col.new", lang),
            "delta": t("upload.col.delta", lang),
            "change": t("upload.col.change", lang),
        }
    )
    new_col = t("upload.col.new", lang)
    st.caption(t("upload.changed_n", lang, n=fmt_int(len(diff), lang)))
    st.dataframe(
        shown.style.map(lambda _: "background-color: #fff3bf; font-weight: 600", subset=[new_col]),
        hide_index=True,
        width="stretch",
        key=f"diff_{name}",
    )

if moves is not None and not moves.empty:
    total = home_first(moves, HOME.code, ["-rank_change", "new_rank"], indicator="dti")
    if not total.empty:
        st.subheader(t("upload.rank_moves", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("upload.col.edition", lang): total["edition"].astype(str),
                    t("upload.col.province", lang): [
                        name_of(c, u)
                        for c, u in zip(total["province_code"], total["unit_set"], strict=True)
                    ],
                    t("upload.col.old_rank", lang): [fmt_int(v, lang) for v in total["old_rank"]],
                    t("upload.col.new_rank", lang): [fmt_int(v, lang) for v in total["new_rank"]],
                    t("upload.col.rank_change", lang): [
                        fmt_rank_change(v, lang) for v in total["rank_change"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
            key="rank_moves",
        )

st.subheader(t("upload.confirm_title", lang))
sure = st.checkbox(t("upload.confirm_check", lang, n=len(valid)), key=f"upload_ok_{nonce}")
if st.button(
    t("upload.confirm", lang), type="primary", disabled=not sure, key=f"upload_go_{nonce}"
):
    try:
        outs = imp.confirm(
            [(r, blobs[name]) for name, r in valid.items()],
            user=user,
            replace=True,
            basis=seen_basis if seen_basis is not None else pv.basis,
            framework={fw.edition: fw for fw in declared.values()},
            mappings=opts.given,  # saved in the store with the versions (every process)
        )
    except FrameworkError as exc:  # e.g. declared meanwhile by someone else
        st.error(t("upload.refused", lang))
        st.dataframe(
            pd.DataFrame({t("upload.col.message", lang): exc.messages(lang)}), hide_index=True
        )
        st.stop()
    if any(o.status in ("busy", "stale") for o in outs):
        # Nothing was stored; the page shows the fresh preview on this same run.
        busy = any(o.status == "busy" for o in outs)
        st.warning(t("upload.busy" if busy else "upload.stale", lang))
        st.stop()
    if not all(o.stored for o in outs):  # refused at the store boundary: nothing stored
        st.error(t("upload.refused", lang))
        st.dataframe(
            pd.DataFrame(
                {t("upload.col.message", lang): [p.message(lang) for o in outs for p in o.problems]}
            ),
            hide_index=True,
        )
        st.stop()
    done = [
        (o.version.edition, o.version.unit_set, o.version.number, o.status == "created")
        for o in outs
    ]
    st.session_state["upload_flash"] = done
    st.session_state["upload_nonce"] = nonce + 1
    st.session_state["upload_mapping"] = {}
    st.session_state["upload_province_mapping"] = {}
    st.rerun()
