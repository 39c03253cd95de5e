"""One module per page: read state -> call data/metrics -> draw with charts/."""

from __future__ import annotations


def _leave_pages_directory_mode() -> None:
    """Streamlit runs the first script run of a fresh server process in its legacy
    "pages/ directory" mode when the entry script has a sibling ``pages/`` folder: a URL
    such as /upload then runs pages/upload.py on its own and the sidebar lists every file
    here (upload, versions, _auth...) to anonymous viewers, until some run calls
    st.navigation. Every page imports this package first, so switch the legacy mode off
    here and rerun: the rerun goes through dashboard.py and its role-gated navigation."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        import streamlit as st

        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_directory_mode()
