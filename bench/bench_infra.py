"""Proves the harness works: the cost of `import pandas` over bare interpreter start-up."""

from __future__ import annotations

import sys

from bench import Row, register, time_command


@register
def import_pandas() -> list[Row]:
    floor = time_command([sys.executable, "-c", "pass"])
    ours = time_command([sys.executable, "-c", "import pandas"])
    return [Row("import pandas", ours, "python -c pass", floor, None)]
