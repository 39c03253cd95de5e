"""Moved to ``app.preview`` (it scores and ranks). This re-export keeps callers written
before the move working; new code imports ``app.preview``. Listed as a named exception in
tests/test_layering.py; delete it when no caller is left."""

from app.preview import RANK_COLUMNS, rank_changes, with_upload

__all__ = ["RANK_COLUMNS", "rank_changes", "with_upload"]
