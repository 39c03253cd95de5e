"""Operator CLI for the store (the web app calls the same functions).

python -m data init                      create the schema and seed the bundled data
python -m data export --year Y [--unit-set 63|34] --format csv|xlsx --out F
Exit codes: 0 ok, 1 invalid input, 2 usage or unreadable file/store.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data.store import Store, StoreError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def cmd_init(args: argparse.Namespace) -> int:
    store = Store()
    seeded = store.seed_if_empty()
    print(f"store ready at {store.url} ({'seeded with the bundled data' if seeded else 'kept'})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from data.export import export_edition

    store = Store()
    store.seed_if_empty()
    try:
        n = export_edition(store, args.year, args.unit_set, args.format, Path(args.out))
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{n} provinces -> {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m data", description="DTI store operations")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    sub.add_parser("init", help="create the schema and seed the bundled data").set_defaults(
        func=cmd_init)
    e = sub.add_parser("export", help="one edition as CSV or XLSX")
    e.add_argument("--year", type=int, required=True)
    e.add_argument("--unit-set", choices=["63", "34"], default="63")
    e.add_argument("--format", choices=["csv", "xlsx"], required=True)
    e.add_argument("--out", required=True)
    e.set_defaults(func=cmd_export)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
