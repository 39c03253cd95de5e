"""`python -m bench [SUBSTRING ...]`: run the registered benchmarks and print a table.

With arguments, only benchmark functions whose module or name contains one of them run.
Exits 1 if any benchmark misses its target ratio, so CI can gate on it later.
"""

from __future__ import annotations

import sys

from bench import Row, discover, format_misses, format_table, load_average


def main(argv: list[str]) -> int:
    rows: list[Row] = []
    started = load_average()
    for fn in discover():
        label = f"{fn.__module__}.{fn.__name__}"
        if argv and not any(a in label for a in argv):
            continue
        rows.extend(fn())
    if not rows:
        print("no benchmarks matched", file=sys.stderr)
        return 1
    print(format_table(rows))
    print(f"\nload average at the start {started}, at the end {load_average()}")
    print(format_misses(rows))
    return 1 if any(r.status == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
