"""Phương pháp / Methodology: frameworks per edition and sources (first cut)."""

import streamlit as st

from i18n import t
from pages._shared import current_lang

lang = current_lang()
st.title(t("method.title", lang))
