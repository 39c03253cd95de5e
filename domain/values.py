"""The tidy value shape shared by the store, ingestion and the metrics."""

from __future__ import annotations

# One row per (edition, unit set, province, indicator): the store's values table, an
# upload's rows and the input of metrics.scoring.compute_scores.
VALUE_COLUMNS = ["edition", "unit_set", "province_code", "indicator", "value", "source"]
