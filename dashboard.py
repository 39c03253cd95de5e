"""Entry point: page config, language, navigation."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data.store import is_outage  # noqa: E402
from i18n import t  # noqa: E402
from views._auth import admin_pages, auth_sidebar  # noqa: E402
from views._shared import (  # noqa: E402
    home,
    language_switch,
    official_switch,
    reset_url_notices,
    store_unavailable,
)

st.set_page_config(page_title="DTI", page_icon="📊", layout="wide")
reset_url_notices()
lang = language_switch()
home_name = home().name("63")
official_switch(st.sidebar, "official_sidebar", lang)

pages = [
    # The default page is always served at "/" (its url_path is ignored), so a hidden
    # default alias keeps /overview a real address for bookmarks and language switches.
    st.Page(
        "views/overview.py",
        title=t("nav.overview", lang),
        url_path="home",
        default=True,
        visibility="hidden",
    ),
    st.Page("views/overview.py", title=t("nav.overview", lang), url_path="overview"),
    st.Page("views/rankings.py", title=t("nav.rankings", lang), url_path="rankings"),
    st.Page("views/profile.py", title=t("nav.profile", lang), url_path="profile"),
    st.Page("views/compare.py", title=t("nav.compare", lang), url_path="compare"),
    st.Page("views/map.py", title=t("nav.map", lang), url_path="map"),
    st.Page("views/methodology.py", title=t("nav.methodology", lang), url_path="methodology"),
    st.Page("views/present.py", title=t("nav.present", lang), url_path="present"),
    st.Page("views/internal.py", title=t("nav.internal", lang), url_path="internal"),
]
# Upload pages: visible only with the uploader role; their URLs always hit their gate.
nav = st.navigation(
    {t("nav.group.view", lang): pages, t("nav.group.admin", lang): admin_pages(lang)}
)
auth_sidebar(lang)
st.sidebar.caption(t("app.title", lang, home=home_name))
try:
    nav.run()
except Exception as exc:
    if not is_outage(exc):
        raise
    store_unavailable(exc)  # the database is down or unreachable: say so, recover later
