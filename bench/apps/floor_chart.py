"""The floor for the cold-start benchmark: a bare Streamlit page that reads the same
bundled CSV and draws one plotly chart of Hải Dương's DTI against all provinces."""

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

FILES = Path(__file__).resolve().parents[2] / "data" / "files"
v = pd.read_csv(FILES / "values.csv", dtype={"province_code": str, "unit_set": str})
d = v[(v["indicator"] == "dti") & (v["unit_set"] == "63")]
fig = go.Figure(go.Scatter(x=d["edition"], y=d["value"], mode="markers"))
st.plotly_chart(fig)
