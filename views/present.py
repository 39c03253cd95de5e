"""Trình chiếu / Presentation: the DT Day slides full-screen, with the deck and downloads."""

import time

import streamlit as st

from app.deck import slides
from charts.briefing import briefing_docx
from charts.deck import projector
from charts.export import deck_bytes, figure_image, slide_images
from charts.theme import shipped
from i18n import LANGS, t
from metrics.profile import build_profile
from metrics.uncertainty import edition_rank_intervals
from views._shared import (
    MARK_STYLE,
    current_lang,
    dataset,
    editions_of,
    home,
    illustrative_mark,
    memo,
    official_switch,
    provenance_table,
    query_choice,
    query_flag,
    query_int,
    set_query,
    unit_names,
    unit_set_choice,
)

# Static style only: no user or data text is ever put into these blocks. One typeface
# (the charts' FONT) for the slide text; the key numbers at projector size.
STYLE = """<style>
.block-container {padding-top: 0.6rem; padding-bottom: 0.3rem; max-width: 100%;}
.st-key-slide, .st-key-slide * {font-family: Arial, 'Liberation Sans', Helvetica, sans-serif;}
.st-key-slide h1 {font-size: 2.6rem; line-height: 1.15; padding: 0 0 0.2rem 0;}
.st-key-numbers li, .st-key-numbers p {font-size: 1.55rem; line-height: 1.35;}
.st-key-numbers li {margin-bottom: 0.45rem;}
.st-key-counter p {font-size: 1.3rem; text-align: center; margin-top: 0.3rem;}
.st-key-kb_pgup, .st-key-kb_pgdn {display: none;}
.st-key-present_exit button p {font-size: 1.15rem; font-weight: 700;}
</style>"""
FULLSCREEN = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] {display: none;}
</style>"""
LABELS = {"vi": "Tiếng Việt", "en": "English"}
SCREEN_HEIGHT = 610  # px: 56 % of a 1080p screen below the title

# Inputs
lang = current_lang()
ds = dataset()
prov = provenance_table()
full = query_flag("full", True)


def _slide_no(n: int) -> int:
    return query_int("slide", 1, 1, n, clamp=True)


def _go(step: int, n: int) -> None:
    st.query_params["slide"] = str(min(max(_slide_no(n) + step, 1), n))
    st.session_state["present_last"] = time.monotonic()


def _set_lang() -> None:
    new = st.session_state["present_lang"]
    st.query_params["lang"] = new
    st.session_state["lang"] = new
    st.session_state["lang_switch"] = new  # keep the (hidden) sidebar switch in step


def _set_full() -> None:
    st.query_params["full"] = "1" if st.session_state["present_full"] else "0"


def _exit() -> None:
    """Leave presentation mode for the profile of the same province and edition."""
    params = {
        k: st.query_params[k]
        for k in ("lang", "unit", "province", "edition", "target", "official")
        if k in st.query_params
    }
    st.switch_page("views/profile.py", query_params=params)


st.html(STYLE)
st.html(MARK_STYLE)
if full:
    st.html(FULLSCREEN)

# The bar above the slide: a visible way out (Esc too), the official-only switch, and
# settings and downloads folded into two small menus.
bar = st.container(horizontal=True, key="present_bar", vertical_alignment="center")
if bar.button(
    t("present.exit", lang), key="present_exit", type="primary", shortcut="Escape", icon="✖"
):
    _exit()
official = official_switch(bar, "official_present", lang)
# Lazy: the settings' widgets are drawn only while their menu is open (opening it reruns
# the page); closed, the same values come from the URL and the session.
settings = bar.popover(
    t("present.settings", lang), icon="⚙️", key="present_settings", on_change="rerun"
)
# Lazy: the download buttons are built only while their menu is open.
downloads = bar.popover(
    t("present.downloads", lang), icon="⬇️", key="present_downloads", on_change="rerun"
)
state = st.session_state
if settings.open:
    c1, c2 = settings.columns([2, 1])
    c3, c4 = settings.columns([1, 1])
else:
    c1 = c2 = c3 = c4 = None
unit_set = unit_set_choice(ds, c2, lang)
names = unit_names(ds, unit_set, lang)
home_code = home().code(unit_set)
codes = memo(
    ds,
    "present_codes",
    (unit_set, lang, home_code),
    lambda: sorted(names, key=lambda c: (c != home_code, names[c])),
)
code = query_choice("province", codes, c1, t("profile.province", lang), fmt=names.get)
editions = editions_of(ds, unit_set, None)[::-1]
edition = query_choice("edition", editions, c3, t("rankings.edition", lang), cast=int)
target_url = query_int("target", 10, 1, len(names))
if c4 is not None:
    target = int(
        c4.number_input(
            t("profile.target", lang),
            min_value=1,
            max_value=len(names),
            value=target_url,
            key="target",
        )
    )
elif isinstance(state.get("target"), int) and 1 <= state["target"] <= len(names):
    target = state["target"]  # changed as the menu closed (or carried from the profile)
else:
    target = target_url
set_query("target", str(target))
# Auto-advance lives in the session (not the URL): kept in plain keys, so it runs on
# while the menu is closed.
auto = bool(state.get("present_auto", state.get("_present_auto", False)))
seconds = int(state.get("present_seconds", state.get("_present_seconds", 20)))
if settings.open:
    s1, s2 = settings.columns([1, 1])
    s3, s4 = settings.columns([1, 1])
    s1.radio(
        t("present.language", lang),
        LANGS,
        index=LANGS.index(lang),
        horizontal=True,
        format_func=LABELS.__getitem__,
        key="present_lang",
        on_change=_set_lang,
    )
    s2.toggle(t("present.fullscreen", lang), value=full, key="present_full", on_change=_set_full)
    auto = s3.toggle(t("present.auto", lang), value=auto, key="present_auto")
    seconds = int(
        s4.number_input(
            t("present.seconds", lang),
            min_value=5,
            max_value=300,
            value=seconds,
            step=5,
            key="present_seconds",
        )
    )
    settings.caption(t("present.keys", lang))
state["_present_auto"], state["_present_seconds"] = auto, seconds


def _slides(  # noqa: ANN202
    version: str, code: str, edition: int, unit_set: str, target: int, lang: str, official: bool
):
    # memo, not cache_data: unpickling the slides' figures re-validated them on every run.
    d = dataset(official)
    fw = d.frameworks[edition]
    iv = memo(
        d, "intervals", (edition, unit_set), lambda: edition_rank_intervals(d.scores, fw, unit_set)
    )

    def build():  # noqa: ANN202
        p = build_profile(
            d, code, edition, unit_set, target_rank=target, lang=lang, names=names, intervals=iv
        )
        return slides(d, prov, code, edition, lang, target, unit_set, profile=p)

    return memo(d, "slides", (code, edition, unit_set, target, lang), build)


@st.cache_data(show_spinner=False, max_entries=8)
def _images(  # noqa: ANN202
    version: str, code: str, edition: int, unit_set: str, target: int, lang: str, official: bool
):
    return slide_images(_slides(version, code, edition, unit_set, target, lang, official))


# Compute
key = (ds.data_version, code, edition, unit_set, target, lang, official)
try:
    deck = _slides(*key)
except KeyError:
    st.warning(t("official.no_data" if official else "present.no_data", lang))
    st.stop()
n = len(deck)
i = _slide_no(n)
if str(i) != st.query_params.get("slide"):
    st.query_params["slide"] = str(i)
slide = deck[i - 1]
# Auto-advance counts from the last full run (a click or the previous advance).
st.session_state["present_last"] = time.monotonic()

# Draw
with st.container(key="slide"):
    if slide.illustrative:
        illustrative_mark(key="slide")
    st.title(slide.title, anchor=False)
    left, right = st.columns([2, 1], gap="medium")
    # theme=None: our own theme (and its large projector type), not Streamlit's.
    left.plotly_chart(
        shipped(
            memo(
                ds,
                "projector",
                (*key[1:], slide.key),
                lambda: projector(slide.figure, SCREEN_HEIGHT),
            )
        ),
        width="stretch",
        key=f"fig_{slide.key}",
        theme=None,
        config={"displayModeBar": False},
    )
    with right.container(key="numbers"):
        st.markdown("\n".join(f"- {line}" for line in slide.numbers))
    st.caption(slide.source)

b1, b2, b3 = st.columns([1, 1, 1])
b1.button(
    t("present.prev", lang),
    key="prev",
    on_click=_go,
    args=(-1, n),
    shortcut="Left",
    disabled=i == 1,
    width="stretch",
)
with b2.container(key="counter"):
    st.markdown(t("deck.slide_of", lang, i=i, n=n))
b3.button(
    t("present.next", lang),
    key="next",
    on_click=_go,
    args=(1, n),
    shortcut="Right",
    disabled=i == n,
    width="stretch",
)
# A clicker sends PageUp/PageDown: hidden buttons carry those shortcuts.
st.button("PageUp", key="kb_pgup", on_click=_go, args=(-1, n), shortcut="PageUp")
st.button("PageDown", key="kb_pgdn", on_click=_go, args=(1, n), shortcut="PageDown")


def _downloads() -> None:
    base = f"dti_{edition}_{code}_{lang}"
    # A deck with illustrative figures is downloaded only after saying so.
    agreed = not deck[0].illustrative or st.checkbox(
        t("present.confirm_illustrative", lang), key=f"dl_agree_{edition}_{code}_{lang}"
    )
    st.download_button(
        t("present.pptx", lang),
        lambda: deck_bytes(_slides(*key), lang, _images(*key)),
        file_name=f"{base}.pptx",
        on_click="ignore",
        key="dl_pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        disabled=not agreed,
        width="stretch",
    )
    st.download_button(
        t("present.briefing", lang),
        lambda: briefing_docx(_slides(*key), lang, _images(*key)[0]),
        file_name=f"{base}_briefing.docx",
        on_click="ignore",
        key="dl_docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        disabled=not agreed,
        width="stretch",
    )
    st.download_button(
        t("present.png", lang),
        lambda: figure_image(slide.figure, "png", scale=2),
        file_name=f"{base}_{i}_{slide.key}.png",
        mime="image/png",
        on_click="ignore",
        key="dl_png",
        width="stretch",
    )
    st.download_button(
        t("present.svg", lang),
        lambda: figure_image(slide.figure, "svg"),
        file_name=f"{base}_{i}_{slide.key}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        key="dl_svg",
        width="stretch",
    )
    st.download_button(
        t("present.csv", lang),
        lambda: slide.data.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"{base}_{i}_{slide.key}.csv",
        mime="text/csv",
        on_click="ignore",
        key="dl_csv",
        width="stretch",
    )


if downloads.open:
    with downloads:
        _downloads()

if auto and i < n:

    @st.fragment(run_every=seconds)
    def _tick() -> None:
        if time.monotonic() - st.session_state["present_last"] >= seconds - 0.5:
            _go(1, n)
            st.rerun()

    _tick()
