"""Pure maths on tidy DataFrames: no IO, no streamlit, no plotly."""
