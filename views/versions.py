"""Phiên bản / Versions: every stored version of an edition, its file, and rollback."""

import pandas as pd
import streamlit as st

from data.export import neutralise
from data.frameworks import edition_unit_sets
from data.store import BUNDLE_USER, StoreError
from i18n import fmt_datetime, fmt_int, t
from views._auth import display_user, require_uploader
from views._shared import current_lang, store

# Inputs (the gate comes first: nothing below runs without the uploader role)
lang = current_lang()
user = require_uploader(lang)
s = store()
choices = sorted(edition_unit_sets(), reverse=True)
st.title(t("versions.title", lang))
st.caption(t("versions.caption", lang))
flash = st.session_state.pop("versions_flash", None)
if flash is not None:
    st.success(t("versions.rolled_back", lang, number=flash[1], edition=flash[0]))
edition, unit_set = st.selectbox(
    t("upload.edition", lang),
    choices,
    key="versions_edition",
    format_func=lambda eu: t("upload.edition_option", lang, edition=eu[0], n=eu[1]),
)


def file_label(path: str | None) -> str:
    """The uploaded file's own name, without any folder."""
    return (path or "–").replace("\\", "/").rsplit("/", 1)[-1]


# Compute (calls only)
history = s.versions(edition, unit_set)

# Draw
if not history:
    st.info(t("versions.none", lang))
    st.stop()

table = pd.DataFrame(
    {
        t("versions.col.number", lang): [v.number for v in history],
        t("versions.col.current", lang): ["✔" if v.current else "" for v in history],
        t("versions.col.when", lang): [fmt_datetime(v.created_at, lang) for v in history],
        t("versions.col.who", lang): [display_user(v.user, lang) for v in history],
        t("versions.col.file", lang): [
            t("versions.seed_file", lang) if v.user == BUNDLE_USER else file_label(v.file_name)
            for v in history
        ],
        t("versions.col.values", lang): [fmt_int(v.n_values, lang) for v in history],
    }
)
# st.dataframe shows text as text; neutralise keeps its CSV download formula-free.
st.dataframe(neutralise(table), hide_index=True, width="stretch", key="versions")
with st.expander(t("versions.technical", lang)):
    # for the administrator: the stored path and the file's checksum
    st.dataframe(
        neutralise(
            table.assign(
                **{
                    t("versions.col.file", lang): [v.file_name for v in history],
                    t("versions.col.when", lang): [v.created_at for v in history],
                    t("versions.col.who", lang): [v.user for v in history],
                    "sha256": [v.sha256 for v in history],
                }
            )
        ),
        hide_index=True,
        width="stretch",
        key="versions_technical",
    )

by_number = {v.number: v for v in history}
current_number = next((v.number for v in history if v.current), None)
# The current version is the default choice; the label "(current)" follows the store
# (set again when the current version or the language changes, see query_choice).
pick_sig = (lang, edition, unit_set, current_number, tuple(by_number))
if st.session_state.get("_sig_versions_pick") != pick_sig:
    st.session_state["versions_pick"] = current_number or max(by_number)
    st.session_state["_sig_versions_pick"] = pick_sig
number = st.selectbox(
    t("versions.pick", lang),
    list(reversed(by_number)),
    key="versions_pick",
    format_func=lambda n: (
        t("versions.option", lang, number=n)
        + (t("versions.option_current", lang) if by_number[n].current else "")
    ),
)
picked = by_number[number]

name, blob = s.version_file(picked.id)
if blob is None:
    st.caption(t("versions.no_file", lang))
else:
    st.download_button(
        t("versions.download", lang),
        data=blob,
        file_name=name.rsplit("/", 1)[-1] or "upload.bin",
        mime="application/octet-stream",
        key=f"dl_{picked.id}",
    )

if picked.current:
    st.caption(t("versions.is_current", lang))
else:
    st.warning(t("versions.rollback_warn", lang, number=picked.number, edition=edition))
    sure = st.checkbox(t("versions.rollback_confirm", lang), key=f"rb_ok_{picked.id}")
    if st.button(
        t("versions.rollback", lang), type="primary", disabled=not sure, key=f"rb_{picked.id}"
    ):
        try:
            s.rollback(edition, unit_set, picked.number, user)
        except StoreError as exc:
            st.error(t("versions.rollback_failed", lang, reason=str(exc)))
        else:
            st.session_state["versions_flash"] = (edition, picked.number)
            st.rerun()

st.subheader(t("versions.audit", lang))
log = s.audit_log(limit=50)
st.dataframe(
    neutralise(log.rename(columns={c: t(f"audit.col.{c}", lang) for c in log.columns})),
    hide_index=True,
    width="stretch",
)
