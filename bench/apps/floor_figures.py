"""The floor for a page's server-side rerun: a bare page drawing the same figures, prebuilt.

The figures (plotly JSON specs captured from the real page) come from the file named by
$BENCH_FIGURES and are turned into go.Figure objects once per process, so a rerun only
pays for sending them, which is the unavoidable part of drawing that many charts."""

import json
import os
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st


@st.cache_resource
def _figures(path: str) -> list[go.Figure]:
    return [go.Figure(json.loads(spec)) for spec in json.loads(Path(path).read_text())]


for i, fig in enumerate(_figures(os.environ["BENCH_FIGURES"])):
    st.plotly_chart(fig, key=f"floor_{i}")
