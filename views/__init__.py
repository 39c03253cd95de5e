"""One module per page: read state -> call data/metrics -> draw with charts/.

The folder is deliberately not called pages/: Streamlit auto-discovers a pages/ folder
next to the entry point and would route URLs to these files around st.navigation.
"""
