"""What every page needs: the language, the cached dataset, provenance, small widgets.

Caching lives here (the pages' side of the house): the dataset is cached per data-version
stamp read from the store, so an upload made through any app process is seen by all.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

from app.dataset import Dataset, load_dataset, official_view
from charts.theme import shipped
from data.audit import commits
from data.logs import event
from data.settings import DEFAULT_HOME, Home, SettingError, _home_from, home_province
from data.store import Store, is_outage, load_published
from i18n import LANGS, css_string, lang_or_default, t
from metrics.editions import available_editions, default_unit_set, edition_pairs, unit_sets
from views._run import per_run


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


@st.cache_resource(show_spinner=False, max_entries=4)
def _official_dataset(version: str) -> Dataset:
    return official_view(_dataset(version), _provenance(version), published_table())


def data_version() -> str:
    """The store's data-version stamp, read once per script run (one query instead of one
    per cached read) and again after any write this process commits (``data.audit.commits``),
    so a page that writes sees its own write. Other processes' writes show at the next run."""
    done = commits()
    return per_run(("data_version", done), lambda: store().data_version())


def dataset(official: bool | None = None) -> Dataset:
    """The dataset; in the "official figures only" view (``?official=1``, see
    ``official_mode``) every value that is not published or uploaded is blank."""
    try:
        version = data_version()
        if official_mode() if official is None else official:
            return _official_dataset(version)
        return _dataset(version)
    except Exception as exc:
        if not is_outage(exc):
            raise
        store_unavailable(exc)
        raise  # not reached: store_unavailable stops the run


T = TypeVar("T")


class _MemoTable:
    """A bounded LRU of built objects, shared by every session of the process.

    A hit is a dict lookup under a lock: no argument hashing (``st.cache_resource`` hashes
    its arguments on every call, about 0.2 ms each, a dozen times a page). Sessions asking
    for the same missing key at once wait for the first one's build (one lock per key)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
            own = self._building.setdefault(key, threading.Lock())
        with own:
            with self._lock:
                if key in self._items:  # built by the session we waited for
                    return self._items[key]  # type: ignore[return-value]
            try:
                value = build()
            except BaseException:
                with self._lock:  # nothing kept for a failed build; the next asker retries
                    self._building.pop(key, None)
                raise
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
                self._building.pop(key, None)
        return value


# cache_resource, not cache_data: a hit hands back the object itself. cache_data would
# unpickle a copy on every hit, and unpickling a plotly figure re-validates it, which costs
# about as much as building it (see README, Performance). One table per process; cleared
# with every other resource (st.cache_resource.clear()).
@st.cache_resource(show_spinner=False)
def _memo_table() -> _MemoTable:
    return _MemoTable(512)


def memo(ds: Dataset, name: str, inputs: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """``build()`` computed once per (``ds.data_version``, ``name``, ``inputs``) in
    this process and shared by every session, e.g. a page's figure:
    ``memo(ds, "p_rank", (code, unit_set, lang), lambda: rank_path(traj, name, lang))``.

    ``inputs`` must name everything ``build`` reads besides ``ds`` (page inputs, language);
    the result is shared, so never mutate it. Sessions asking for the same key at once
    wait for the first one instead of computing it again."""
    return _memo_table().get((ds.data_version, name, inputs), build)


def shown_table(
    ds: Dataset, name: str, inputs: tuple[Hashable, ...], build: Callable[[], pd.DataFrame]
) -> pa.Table:
    """A table for ``st.dataframe``, built and converted to Arrow once per (data version,
    ``name``, ``inputs``) with Streamlit's own conversion, so a run only serialises it (a
    pandas frame is converted again on every run). Shown exactly as the frame would be."""
    return memo(ds, name, inputs, lambda: convert_pandas_df_to_arrow_table(build()))


def unit_names(ds: Dataset, unit_set: str, lang: str) -> dict[str, str]:
    """Code -> name of every unit of ``unit_set`` (shared: do not mutate)."""

    def build() -> dict[str, str]:
        units = ds.units_of(unit_set, lang)
        return dict(zip(units["province_code"], units["name"], strict=True))

    return memo(ds, "unit_names", (unit_set, lang), build)


def editions_of(ds: Dataset, unit_set: str, indicator: str | None = "dti") -> list[int]:
    """``metrics.editions.available_editions`` once per data version (shared: do not mutate)."""
    return memo(
        ds,
        "editions",
        (unit_set, indicator),
        lambda: available_editions(ds.ranked, unit_set, indicator),
    )


def pairs_of(ds: Dataset) -> list[tuple[int, str]]:
    """``metrics.editions.edition_pairs`` once per data version (shared: do not mutate)."""
    return memo(ds, "edition_pairs", (), lambda: edition_pairs(ds.ranked))


def provenance_table() -> pd.DataFrame:
    return _provenance(data_version())


def home() -> Home:
    """The home province (setting DTI_HOME_PROVINCE), read once per run; a bad setting is
    said on the page (once) and the default is used."""
    return per_run("home", _home)


def _home() -> Home:
    try:
        return home_province()
    except SettingError as exc:
        st.warning(exc.message(current_lang()), icon="⚠️")
        return _home_from(DEFAULT_HOME)


@st.cache_resource(show_spinner=False)
def published_table() -> pd.DataFrame:
    """Every published figure held (scores and ranks, with URLs)."""
    return load_published()


def official_mode() -> bool:
    """The "official figures only" switch: in the URL (?official=1), default off; kept in
    the session so a page switch (which drops the query string) keeps it."""
    q = st.query_params.get("official")
    if q in ("0", "1"):
        st.session_state["official"] = q == "1"
    elif q is not None:
        url_notice("official")
    return bool(st.session_state.get("official", False))


def _set_official(key: str) -> None:
    on = bool(st.session_state[key])
    st.session_state["official"] = on
    st.query_params["official"] = "1" if on else "0"


def official_switch(container, key: str, lang: str) -> bool:  # type: ignore[no-untyped-def]
    """The "official figures only" toggle (URL-backed); returns whether it is on."""
    on = official_mode()
    st.session_state[key] = on  # follow the URL / the other switch
    container.toggle(
        t("official.switch", lang),
        key=key,
        on_change=_set_official,
        args=(key,),
        help=t("official.help", lang),
    )
    if on and st.query_params.get("official") != "1":
        st.query_params["official"] = "1"
    return on


def illustrative_mark(container=None, key: str = "mark") -> None:  # type: ignore[no-untyped-def]
    """The large "ILLUSTRATIVE FIGURES – NOT OFFICIAL" mark (styled by MARK_STYLE)."""
    lang = current_lang()
    box = (container or st).container(key=f"illmark_{key}")
    box.markdown(t("mark.illustrative", lang))


# Static style only (no user or data text): the mark is at least 28 px, white on red.
MARK_STYLE = """<style>
[class*="st-key-illmark_"] {background: #B00020; border-radius: 0.4rem;
  padding: 0.45rem 1rem !important; margin: 0.2rem 0; min-height: 3rem;}
[class*="st-key-illmark_"] p {color: #FFFFFF !important; font-size: 28px !important;
  font-weight: 800; line-height: 1.25 !important; margin: 0 !important;
  letter-spacing: 0.02em;}
</style>"""


def store_unavailable(exc: BaseException) -> None:
    """The store cannot be reached: a plain message in the viewer's language instead of
    an error, logged for the operator; the next run (the button, a reload) tries again."""
    event(
        "store_unavailable",
        logging.WARNING,
        error=str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300],
    )
    lang = current_lang()
    st.warning(t("store.unavailable", lang))
    st.button(t("store.retry", lang), key="store_retry")
    st.stop()


def current_lang() -> str:
    """The language from the URL (?lang=en), else this session's choice, else Vietnamese.
    An unknown ?lang= gets the small "not understood" notice once per run."""
    q = st.query_params.get("lang")
    if q in LANGS:
        return q
    lang = lang_or_default(st.session_state.get("lang"))
    if q is not None:
        url_notice("lang", lang)
    return lang


MAX_QUERY_TEXT = 100  # longest free-text URL value kept (?q=); longer is cut, with a notice


def url_notice(name: str, lang: str | None = None) -> None:
    """A small translated notice that the URL's ``name`` was not understood and its
    default is shown instead. Only our own parameter name is shown, never the value."""
    shown: set[str] = st.session_state.setdefault("_url_notices", set())
    if name in shown:
        return
    shown.add(name)
    st.caption(t("url.ignored", lang or current_lang(), name=name))


def reset_url_notices() -> None:
    """Called once at the top of every run (dashboard.py): each notice shows once per run."""
    st.session_state["_url_notices"] = set()


def set_query(name: str, value: str) -> None:
    """Put ``value`` in the URL as ``?name=``; nothing is sent when it is there already
    (every write is a message to the browser, which rewrites its address)."""
    if st.query_params.get(name) != value:
        st.query_params[name] = value


def query_int(name: str, default: int, low: int, high: int, clamp: bool = False) -> int:
    """An integer from the URL within [low, high]; anything else -> ``default`` (clamped
    into the range) with the notice. With ``clamp``, a whole number outside the range is
    moved to the nearest end instead (``?slide=99`` opens the last slide)."""
    raw = st.query_params.get(name)
    fallback = min(max(default, low), high)
    if raw is None:
        return fallback
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        url_notice(name)
        return fallback if value is None or not clamp else min(max(value, low), high)
    return value


def query_codes(name: str, parse: Callable[[str], list[str]]) -> list[str]:
    """A comma-separated list of known codes from the URL, read by ``parse`` (which keeps
    known codes only); when it dropped anything, the notice."""
    raw = st.query_params.get(name)
    if not raw:
        return []
    known = parse(raw)
    pieces = list(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))
    if len(known) != len(pieces):
        url_notice(name)
    return known


def query_text(name: str) -> str:
    """Free text from the URL (a search), cut to MAX_QUERY_TEXT characters."""
    raw = st.query_params.get(name) or ""
    if len(raw) > MAX_QUERY_TEXT:
        url_notice(name)
        return raw[:MAX_QUERY_TEXT]
    return raw


def query_flag(name: str, default: bool) -> bool:
    """?name=1 / ?name=0; anything else -> ``default`` with the notice."""
    raw = st.query_params.get(name)
    if raw in ("0", "1"):
        return raw == "1"
    if raw is not None:
        url_notice(name)
    return default


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
    default: object = None,
) -> object:
    """A selectbox whose value lives in the URL (?name=value), so links reopen the view.

    The choice is also kept in the session, so it carries to the next page (a page switch
    drops the query string): the edition chosen on Rankings opens the Profile. When the
    language or the options change, the widget's value is set again from the URL, so the
    box shows its label in the new language (a keyed widget would keep the old one).
    ``default`` (an option) replaces the first option when nothing is chosen yet. With
    ``container`` None no widget is drawn (its menu is closed) and the value is resolved
    the same way.
    """
    key, sig_key, last_key = f"q_{name}", f"_sig_q_{name}", f"_sel_{name}"
    url = st.query_params.get(name)
    raw = url if url is not None else st.session_state.get(last_key)
    fallback = default if default in options else options[0]
    try:
        current = cast(raw) if raw is not None else fallback
    except (TypeError, ValueError, OverflowError):
        current = None
    if current not in options:
        if url is not None:
            url_notice(name)
        current = fallback
    sig = (current_lang(), tuple(str(o) for o in options))
    # The widget keeps its value only when the user has just changed it on this page;
    # otherwise it is set from the URL/session every run: a widget of another page (or of
    # the same page in another language) under this key would not show it by itself.
    state = st.session_state
    user_changed = (
        key in state
        and state[key] in options
        and str(state[key]) != state.get(last_key)
        and state.get(sig_key) == sig
        and url == state.get(last_key)
    )
    if container is None:  # no widget this run (a closed lazy menu): URL, session, or
        choice = state[key] if user_changed else current  # a change made as it closed
    else:
        if not user_changed:
            state[key] = current
        state[sig_key] = sig
        choice = container.selectbox(label, options, format_func=fmt, key=key)
    set_query(name, str(choice))
    st.session_state[last_key] = str(choice)
    return choice


def unit_set_choice(ds: Dataset, container, lang: str, fmt=None) -> str:  # type: ignore[no-untyped-def]
    """The unit-set selectbox (?unit=, validated by ``query_choice``). Unless chosen, it
    follows the chosen edition (?edition= or the one carried from another page), else the
    latest edition: a 34-only 2025 opens every page on the 34 set."""
    raw = st.query_params.get("edition") or st.session_state.get("_sel_edition")
    try:
        edition = int(raw) if raw is not None else None
    except (TypeError, ValueError, OverflowError):
        edition = None
    return str(
        query_choice(
            "unit",
            memo(ds, "unit_sets", (), lambda: unit_sets(ds.ranked)),
            container,
            t("rankings.unit_set", lang),
            fmt=fmt or (lambda u: t(f"unit.{u}", lang)),
            default=memo(
                ds, "default_unit_set", (edition,), lambda: default_unit_set(ds.ranked, edition)
            ),
        )
    )


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
    lang = current_lang()
    event = st.plotly_chart(shipped(fig), width="stretch", key=key, **plotly_kwargs)
    # One compact menu under the chart (never cut to "Tải ả…" in a narrow column). Lazy:
    # its buttons are built only while it is open (opening it reruns the page), so a page
    # run does not pay for four download buttons per chart.
    menu = st.popover(
        t("download.menu", lang),
        icon=":material/download:",
        type="tertiary",
        key=f"{key}_dl",
        on_change="rerun",
    )
    if menu.open:
        _download_buttons(menu, fig, key, name or key, data, lang)
    return event


def _download_buttons(menu, fig, key: str, stem: str, data: pd.DataFrame | None, lang: str) -> None:  # type: ignore[no-untyped-def]
    """PNG and SVG of ``fig`` and, with ``data``, the table as CSV and XLSX."""
    from charts.export import figure_image
    from data.export import table_bytes

    menu.download_button(
        t("download.png", lang),
        lambda: figure_image(fig, "png", scale=2),
        f"{stem}.png",
        "image/png",
        key=f"{key}_png",
        on_click="ignore",
        width="stretch",
    )
    menu.download_button(
        t("download.svg", lang),
        lambda: figure_image(fig, "svg"),
        f"{stem}.svg",
        "image/svg+xml",
        key=f"{key}_svg",
        on_click="ignore",
        width="stretch",
    )
    if data is not None:
        from app.exports import export_frame
        from data.frameworks import frameworks

        raw = data
        unit_set = st.query_params.get("unit", "63")

        def rows() -> pd.DataFrame:
            return export_frame(raw, lang, unit_set, frameworks(store()))

        menu.download_button(
            t("download.csv", lang),
            lambda: table_bytes(rows(), "csv"),
            f"{stem}.csv",
            "text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            width="stretch",
        )
        menu.download_button(
            t("download.xlsx", lang),
            lambda: table_bytes(rows(), "xlsx", stem),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
            width="stretch",
        )


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


def uploader_style(browse: str, limit: str) -> str:
    """CSS that replaces st.file_uploader's built-in English (its button and its size
    line) with our translations; the widget itself is unchanged."""
    return f"""<style>
[data-testid="stFileUploaderDropzone"] button:not([data-testid="stFileChipDeleteBtn"] *):not(
  [data-testid="stFileChipDeleteBtn"]) {{font-size: 0 !important;}}
[data-testid="stFileUploaderDropzone"] button:not([data-testid="stFileChipDeleteBtn"] *):not(
  [data-testid="stFileChipDeleteBtn"])::after {{content: {css_string(browse)};
  font-size: 0.875rem;}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0 !important;}}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: {css_string(limit)}; font-size: 0.8rem;}}
</style>"""
