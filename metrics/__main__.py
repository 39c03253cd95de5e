"""Operator CLI over the metrics (the same functions the app calls).

python -m metrics rankings --year 2022 [--unit-set 63|34] [--measure dti|gov|...]
                           [--format json|csv]
Exit codes: 0 ok, 1 invalid input, 2 usage or unreadable store.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from data.dataset import load_dataset
from data.frameworks import ALL_INDICATORS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 (argparse's default too)
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for row in df.to_dict(orient="records"):
        out.append({k: (None if pd.isna(v) else (int(v) if k.endswith("_rank") else v))
                    for k, v in row.items()})
    return out


def cmd_rankings(args: argparse.Namespace) -> int:
    from metrics.tables import rankings_table

    ds = load_dataset()
    have = set(zip(ds.values["edition"], ds.values["unit_set"], strict=True))
    if (args.year, args.unit_set) not in have:
        print(f"error: no data for edition {args.year} ({args.unit_set} provinces)",
              file=sys.stderr)
        return 1
    table = rankings_table(ds.ranked, args.year, args.unit_set,
                           ds.units_of(args.unit_set), measure=args.measure)
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        json.dump(_records(table), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = _Parser(prog="python -m metrics", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    r = sub.add_parser("rankings", help="one row per province for an edition")
    r.add_argument("--year", type=int, required=True)
    r.add_argument("--unit-set", choices=["63", "34"], default="63")
    r.add_argument("--measure", choices=list(ALL_INDICATORS), default="dti")
    r.add_argument("--format", choices=["json", "csv"], default="json")
    r.set_defaults(func=cmd_rankings)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
