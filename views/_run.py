"""Values read once per script run (a page run sees one of each), not once per use."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from streamlit.runtime.scriptrunner import get_script_run_ctx

T = TypeVar("T")


def per_run(name: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per script run of this session (outside a run: every call).

    A run is told apart by Streamlit's cursor table, which ``ScriptRunContext.reset``
    replaces at the start of every run (and a fragment run replaces again)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return build()
    held = getattr(ctx, "_dti_per_run", None)
    if held is None or held[0] is not ctx.cursors:
        held = (ctx.cursors, {})
        ctx._dti_per_run = held  # type: ignore[attr-defined]
    values: dict[Hashable, object] = held[1]
    if name not in values:
        values[name] = build()
    return values[name]  # type: ignore[return-value]
