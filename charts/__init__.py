"""Plotly figure builders: DataFrame in, Figure out. No streamlit, no IO."""
