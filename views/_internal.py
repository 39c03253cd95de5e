"""What the internal-assessment pages share: cached reads keyed on the data-version stamp,
the publish action and the uploader's section of the upload page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.assessments import AssessmentUsageError, check_key, import_file, validate
from data.assessment_ingest.reuse import SUPPORTED_EXTENSIONS
from data.assessments_store import AssessmentData, AssessmentStore, EditionInfo
from data.export import neutralise
from data.store import Store, StoreError
from i18n import fmt_int, t
from metrics.assessment import rank_units


@st.cache_resource(show_spinner=False, max_entries=8)
def _editions(version: str, _store: Store) -> list[EditionInfo]:
    return AssessmentStore(_store).editions(include_unpublished=True)


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(version: str, key: str, year: int, _store: Store) -> AssessmentData | None:
    return AssessmentStore(_store).load(key, year)


def editions(store: Store, uploader: bool) -> list[EditionInfo]:
    """Published editions; unpublished ones too for the uploader role."""
    eds = _editions(store.data_version(), store)
    return [e for e in eds if e.published or uploader]


def load(store: Store, key: str, year: int) -> AssessmentData | None:
    return _load(store.data_version(), key, year, store)


def publish_controls(
    store: Store, info: EditionInfo, user: str, lang: str, flash_key: str = "internal_flash"
) -> None:
    """The explicit, audited publish / withdraw button (uploader role only); the page
    shows ``st.session_state[flash_key]`` after the rerun."""
    label = "internal.unpublish" if info.published else "internal.publish"
    if st.button(t(label, lang), key="internal_publish", type="primary"):
        AssessmentStore(store).set_published(
            info.assessment_key, info.year, not info.published, user
        )
        flash = "internal.unpublished_flash" if info.published else "internal.published_flash"
        st.session_state[flash_key] = t(flash, lang, assessment=info.assessment_key, year=info.year)
        st.rerun()


def _problems_table(problems: list, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("iupload.col.severity", lang): [
                t("iupload.error" if p.severity == "error" else "iupload.warning", lang)
                for p in problems
            ],
            t("iupload.col.sheet", lang): [p.sheet or "" for p in problems],
            t("iupload.col.cell", lang): [p.cell or "" for p in problems],
            t("iupload.col.message", lang): [p.message(lang) for p in problems],
        }
    )


def internal_upload_section(store: Store, user: str, lang: str) -> None:
    """Upload -> located problems -> preview (units, new units, ranking) -> confirm ->
    a new unpublished version; then versions with rollback and the original file."""
    st.subheader(t("iupload.title", lang))
    st.caption(t("iupload.caption", lang))
    flash = st.session_state.pop("iupload_flash", None)
    if flash:
        st.success(flash)
    known = sorted({e.assessment_key for e in _editions(store.data_version(), store)})
    c1, c2, c3 = st.columns([2, 1, 2])
    key = c1.text_input(
        t("iupload.key", lang), value=known[0] if known else "so-nganh", key="iupload_key"
    ).strip()
    year = int(
        c2.number_input(t("iupload.year", lang), 2015, 2100, value=2025, step=1, key="iupload_year")
    )
    title = c3.text_input(t("iupload.title_field", lang), key="iupload_title").strip() or None
    register = st.checkbox(t("iupload.register", lang), key="iupload_register")
    try:
        check_key(key, year)
    except AssessmentUsageError as exc:
        st.error(t("iupload.bad_key", lang, detail=str(exc)))
        return
    nonce = st.session_state.setdefault("iupload_nonce", 0)
    file = st.file_uploader(
        t("iupload.file", lang), type=list(SUPPORTED_EXTENSIONS), key=f"iupload_file_{nonce}"
    )
    if file is not None:
        data = file.getvalue()
        res = validate(store, data, file.name, key, year, register)
        st.subheader(t("iupload.problems", lang))
        if res.problems:
            st.dataframe(
                neutralise(_problems_table(res.problems, lang)), hide_index=True, width="stretch"
            )
        if res.ok:
            st.success(
                t("iupload.ok", lang, units=fmt_int(len(res.units), lang), criteria=len(res.nodes))
            )
            if len(res.new_units):
                st.caption(t("iupload.new_units", lang))
                st.dataframe(
                    neutralise(res.new_units[["code", "name_vi", "kind"]]), hide_index=True
                )
            preview = rank_units(res.nodes, res.values, res.units, lang)
            st.dataframe(
                neutralise(
                    pd.DataFrame(
                        {
                            t("internal.col.rank", lang): preview["rank"],
                            t("internal.col.unit", lang): preview["unit"],
                            t("internal.col.score", lang): preview["score"],
                            t("internal.col.self", lang): preview["self_score"],
                        }
                    )
                ),
                hide_index=True,
                width="stretch",
            )
            ok = st.checkbox(t("iupload.confirm", lang), key=f"iupload_confirm_{nonce}")
            if st.button(t("iupload.store", lang), disabled=not ok, key="iupload_store"):
                out = import_file(
                    store, data, file.name, key, year, user=user,
                    register_units=register, title=title,
                )  # fmt: skip
                if out.stored is not None:
                    v = out.stored.version
                    msg = "iupload.stored" if out.stored.created else "iupload.identical"
                    st.session_state["iupload_flash"] = t(
                        msg, lang, number=v.number, assessment=key, year=year
                    )
                    st.session_state["iupload_nonce"] = nonce + 1
                    st.rerun()
    _versions_section(store, key, year, user, lang)


def _versions_section(store: Store, key: str, year: int, user: str, lang: str) -> None:
    a = AssessmentStore(store)
    history = a.versions(key, year)
    if not history:
        return
    st.subheader(t("iupload.versions", lang, assessment=key, year=year))
    info = a.edition(key, year)
    if info is not None:
        state = t(
            "iupload.state.published" if info.published else "iupload.state.unpublished", lang
        )
        st.caption(t("iupload.published_state", lang, state=state))
        publish_controls(store, info, user, lang, "iupload_flash")
    st.dataframe(
        neutralise(
            pd.DataFrame(
                {
                    t("versions.col.number", lang): [v.number for v in history],
                    t("versions.col.current", lang): ["✔" if v.current else "" for v in history],
                    t("versions.col.when", lang): [v.created_at for v in history],
                    t("versions.col.who", lang): [v.user for v in history],
                    t("versions.col.file", lang): [v.file_name for v in history],
                    "sha256": [v.sha256 for v in history],
                }
            )
        ),
        hide_index=True,
        width="stretch",
    )
    by_number = {v.number: v for v in history}
    c1, c2, c3 = st.columns([2, 1, 1])
    number = c1.selectbox(
        t("versions.pick", lang),
        list(reversed(by_number)),
        key="iupload_pick",
        format_func=lambda n: t("versions.option", lang, number=n),
    )
    name, blob = a.version_file(by_number[number].id)
    if blob is not None:
        c2.download_button(
            t("iupload.download", lang), blob, name, key="iupload_download", on_click="ignore"
        )
    if c3.button(t("iupload.rollback", lang), key="iupload_rollback"):
        try:
            a.rollback(key, year, number, user)
        except StoreError as exc:  # a concurrent change; nothing was written
            st.error(str(exc))
            return
        st.session_state["iupload_flash"] = t("iupload.rolled_back", lang, number=number)
        st.rerun()


def previous_edition(store: Store, key: str, year: int, uploader: bool) -> AssessmentData | None:
    """The latest earlier edition the viewer may see, or None."""
    earlier = sorted(
        e.year for e in editions(store, uploader) if e.assessment_key == key and e.year < year
    )
    return load(store, key, earlier[-1]) if earlier else None


def previous_ranking(
    store: Store, key: str, year: int, uploader: bool, lang: str
) -> tuple[int | None, pd.DataFrame | None]:
    """The previous edition (see ``previous_edition``), ranked, when its main indices match
    this one's (codes and maxima); (None, None) otherwise."""
    from metrics.assessment import comparable

    cur, prev = load(store, key, year), previous_edition(store, key, year, uploader)
    if cur is None or prev is None or not comparable(cur.nodes, prev.nodes):
        return None, None
    return prev.year, rank_units(prev.nodes, prev.values, prev.units, lang)
