"""The five provenance kinds and how a stored source string names one (shared by the
store's exports, the metrics and the pages).

Strongest first: ``published`` (read in a public source; the source is its URL or URLs),
``uploaded`` (imported by an uploader: ``upload:<file>``), ``derived`` (printed nowhere but
following from published figures: ``derived: …``), ``pro-forma`` (computed by a stated
rule, e.g. a 34-unit value as the mean of its predecessors: ``pro-forma: …``) and
``illustrative`` (the bundled completion; never official).
"""

from __future__ import annotations

KINDS = ("published", "uploaded", "derived", "pro-forma", "illustrative")
PRO_FORMA = "pro-forma"
DERIVED = "derived"


def kind_of(source: str | None) -> str | None:
    """ "https://..." -> published; "upload:..." -> uploaded; "derived:..." -> derived;
    "pro-forma..." -> pro-forma; "illustrative" (or anything else) -> illustrative;
    missing -> None."""
    if source is None or (isinstance(source, float)) or source == "":
        return None
    if source.startswith(("http://", "https://")):
        return "published"
    if source.startswith("upload:"):
        return "uploaded"
    if source.startswith(DERIVED):
        return DERIVED
    if source.startswith(PRO_FORMA):
        return PRO_FORMA
    return "illustrative"
