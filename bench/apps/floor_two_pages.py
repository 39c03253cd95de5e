"""The floor for page switches: a bare two-page Streamlit app (st.navigation, sidebar links)
with one plotly chart per page, drawn from the same bundled CSV as the dashboard."""

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

FILES = Path(__file__).resolve().parents[2] / "data" / "files"


@st.cache_data
def _values() -> pd.DataFrame:
    return pd.read_csv(FILES / "values.csv", dtype={"province_code": str, "unit_set": str})


def _page(indicator: str) -> None:
    v = _values()
    d = v[(v["indicator"] == indicator) & (v["unit_set"] == "63")]
    st.title(indicator)
    fig = go.Figure(go.Scatter(x=d["edition"], y=d["value"], mode="markers"))
    fig.update_layout(title=f"floor {indicator}")
    st.plotly_chart(fig)


def a() -> None:
    _page("dti")


def b() -> None:
    _page("gov")


st.navigation([st.Page(a, title="A", url_path="a"), st.Page(b, title="B", url_path="b")]).run()
