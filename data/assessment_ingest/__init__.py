"""Criterion-level workbooks of the province's own assessments (see ``parse``)."""

from data.assessment_ingest.parse import AssessmentResult, parse_assessment

__all__ = ["AssessmentResult", "parse_assessment"]
