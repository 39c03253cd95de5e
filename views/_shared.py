"""What every page needs: the language, the cached dataset, provenance, small widgets.

Caching lives here (the pages' side of the house): the dataset is cached per data-version
stamp read from the store, so an upload made through any app process is seen by all.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.dataset import Dataset, load_dataset
from data.store import Store
from i18n import LANGS, lang_or_default, t


@st.cache_resource(show_spinner=False)
def store() -> Store:
    s = Store()
    s.seed_if_empty()
    return s


# cache_resource, not cache_data: the dataset is read-only (metrics never mutate their
# inputs), and cache_data would unpickle a fresh copy of every frame on each rerun, which
# cost more than the page itself. Keyed on the store's data-version stamp.
@st.cache_resource(show_spinner=False, max_entries=4)
def _dataset(version: str) -> Dataset:
    return load_dataset(store())


@st.cache_resource(show_spinner=False, max_entries=4)
def _provenance(version: str) -> pd.DataFrame:
    return _dataset(version).provenance()


def dataset() -> Dataset:
    return _dataset(store().data_version())


def provenance_table() -> pd.DataFrame:
    return _provenance(store().data_version())


def current_lang() -> str:
    """The language from the URL (?lang=en), else this session's choice, else Vietnamese."""
    q = st.query_params.get("lang")
    if q in LANGS:
        return q
    return lang_or_default(st.session_state.get("lang"))


def language_switch() -> str:
    """Sidebar switch; the choice lives in the URL so a copied link keeps it."""
    current = current_lang()
    labels = {"vi": "Tiếng Việt", "en": "English"}
    choice = st.sidebar.radio(
        t("lang.label", current),
        LANGS,
        index=LANGS.index(current),
        horizontal=True,
        format_func=labels.__getitem__,
        key="lang_switch",
    )
    st.session_state["lang"] = choice
    if st.query_params.get("lang") != choice:
        # Page switches drop the query string; put the language back so links keep it.
        st.query_params["lang"] = choice
    if choice != current:
        st.rerun()
    return current


def query_choice(
    name: str,
    options: list,
    container,
    label: str,
    cast=str,  # type: ignore[no-untyped-def]
    fmt=str,
) -> object:
    """A selectbox whose value lives in the URL (?name=value), so links reopen the view."""
    raw = st.query_params.get(name)
    try:
        current = cast(raw) if raw is not None else options[0]
    except (TypeError, ValueError):
        current = options[0]
    if current not in options:
        current = options[0]
    choice = container.selectbox(
        label, options, index=options.index(current), format_func=fmt, key=f"q_{name}"
    )
    st.query_params[name] = str(choice)
    return choice


def chart(
    fig,
    key: str,
    data: pd.DataFrame | None = None,
    name: str | None = None,  # type: ignore[no-untyped-def]
    **plotly_kwargs,
):
    """A plotly chart with its downloads: PNG and SVG (title, source and language kept,
    rendered by kaleido only when clicked) and the data behind it as CSV/XLSX. Extra
    keyword arguments go to st.plotly_chart (e.g. on_select); its return value is returned."""
    from charts.export import figure_image
    from data.export import table_bytes

    lang = current_lang()
    event = st.plotly_chart(fig, width="stretch", key=key, **plotly_kwargs)
    stem = name or key
    cols = st.columns([1, 1, 1, 1, 4]) if data is not None else st.columns([1, 1, 6])
    cols[0].download_button(
        t("download.png", lang),
        lambda: figure_image(fig, "png", scale=2),
        f"{stem}.png",
        "image/png",
        key=f"{key}_png",
        on_click="ignore",
        type="tertiary",
    )
    cols[1].download_button(
        t("download.svg", lang),
        lambda: figure_image(fig, "svg"),
        f"{stem}.svg",
        "image/svg+xml",
        key=f"{key}_svg",
        on_click="ignore",
        type="tertiary",
    )
    if data is not None:
        cols[2].download_button(
            t("download.csv", lang),
            lambda: table_bytes(data, "csv"),
            f"{stem}.csv",
            "text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            type="tertiary",
        )
        cols[3].download_button(
            t("download.xlsx", lang),
            lambda: table_bytes(data, "xlsx", stem),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
            type="tertiary",
        )
    return event


def metric(container, label: str, value: str, delta: str | None = None, **kw) -> None:  # type: ignore[no-untyped-def]
    """st.metric whose delta direction follows our formatter's typographic minus ("−"):
    Streamlit reads only a leading ASCII "-" as a fall."""
    if delta is not None and delta.startswith("−"):
        delta = "-" + delta[1:]
    container.metric(label, value, delta=delta, **kw)


def pro_forma_label(ds: Dataset, edition: int, unit_set: str, lang: str) -> str:
    """An edition's name in a picker: "2021 (pro-forma)" where its 34-unit set is the
    pro-forma series."""
    if unit_set == "34" and edition in ds.pro_forma_editions:
        return t("edition.pro_forma", lang, year=edition)
    return str(edition)


def pro_forma_note(ds: Dataset, edition: int, unit_set: str, lang: str) -> None:
    """The rule, shown above any 34-unit view of an edition that has no published 34-unit
    table."""
    if unit_set == "34" and edition in ds.pro_forma_editions:
        st.info(t("rankings.pro_forma_note", lang, year=edition))
