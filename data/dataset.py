"""Moved to ``app.dataset`` (scoring and ranking are not IO). This re-export keeps callers
written before the move working; new code imports ``app.dataset``. Listed as a named
exception in tests/test_layering.py; delete it when no caller is left."""

from app.dataset import Dataset, build_dataset, load_dataset, official_view, units_table

__all__ = ["Dataset", "build_dataset", "load_dataset", "official_view", "units_table"]
