"""The command-line tools, thin callers of the application layer: ``python -m data`` and
``python -m metrics`` are entry points into ``app.cli.data`` and ``app.cli.metrics``
(``app.cli.framework`` and ``app.cli.assessments`` are sub-commands of the data CLI);
``python -m charts`` calls ``app.cli.charts``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# What a shell reports for a writer whose reader went away (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def run(main: Callable[[], int]) -> int:
    """``main()``'s exit code; when the reader closes the pipe early (``| head -1``), the
    tool stops quietly with EXIT_BROKEN_PIPE instead of a BrokenPipeError traceback."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit and would report the same error there.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code
