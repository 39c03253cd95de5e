"""Operator CLI over the metrics (the same functions the app calls).

python -m metrics rankings --year 2022 [--unit-set 63|34] [--measure dti|gov|...]
                           [--format json|csv]
    rows carry <indicator>_source and <indicator>_rank_source: published, uploaded,
    derived, pro-forma or illustrative. --unit-set 34 works for every edition: where no
    34-unit set is stored it is the pro-forma series (mean of predecessors' main indices).
python -m metrics rankings --assessment KEY --year Y --format json|csv   (own assessments)
python -m metrics profile --assessment KEY --unit NAME --year Y --json
python -m metrics profile --province NAME --year 2023 [--unit-set 63|34] [--target-rank 10]
                          [--draws 2000] [--seed 0] [--lang vi|en] [--json]
Exit codes: 0 ok, 1 invalid input, 2 usage or unreadable store.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from app.dataset import load_dataset
from data.frameworks import indicator_codes


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 (argparse's default too)
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for row in df.to_dict(orient="records"):
        out.append(
            {
                k: (None if pd.isna(v) else (int(v) if k.endswith("_rank") else v))
                for k, v in row.items()
            }
        )
    return out


def cmd_rankings(args: argparse.Namespace) -> int:
    from metrics.tables import rankings_table

    if args.assessment:
        from app.cli.assessments import metrics_rankings

        return metrics_rankings(args)

    ds = load_dataset()
    have = set(zip(ds.values["edition"], ds.values["unit_set"], strict=True))
    if (args.year, args.unit_set) not in have:
        print(
            f"error: no data for edition {args.year} ({args.unit_set} provinces)", file=sys.stderr
        )
        return 1
    table = rankings_table(
        ds.ranked,
        args.year,
        args.unit_set,
        ds.units_of(args.unit_set),
        measure=args.measure,
        prov=ds.provenance(),
    )
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        json.dump(_records(table), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from data.provinces import UnknownProvinceError, resolve
    from metrics.profile import build_profile

    if args.assessment:
        from app.cli.assessments import metrics_profile

        return metrics_profile(args)
    if not args.province:
        print("error: give --province NAME (or --assessment KEY --unit NAME)", file=sys.stderr)
        return 2

    try:
        code = resolve(args.province, args.unit_set)
    except UnknownProvinceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    ds = load_dataset()
    if args.year not in ds.frameworks:
        print(f"error: no framework for edition {args.year}", file=sys.stderr)
        return 1
    try:
        prof = build_profile(
            ds,
            code,
            args.year,
            args.unit_set,
            target_rank=args.target_rank,
            draws=args.draws,
            seed=args.seed,
            lang=args.lang,
        )
    except KeyError:
        print(
            f"error: no DTI for {args.province} in edition {args.year} ({args.unit_set} provinces)",
            file=sys.stderr,
        )
        return 1
    if args.json:
        json.dump(prof.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(
        f"{prof['province']} ({prof['province_code']}) {prof['year']}: DTI {prof['dti']} "
        f"rank {prof['dti_rank']}/{prof['n']} ({prof['tier_label']}), "
        f"region rank {prof['region_rank']}/{prof['region_n']}"
    )
    for p, v in prof["pillars"].items():
        print(f"  {p}: {v['score']} rank {v['rank']}")
    y = prof["yoy"]
    print(
        f"  change vs {y['prev_edition']}: {y['dti_change']} (rank {y['rank_change']:+}"
        if y["rank_change"] is not None
        else "  no previous edition",
        end="",
    )
    print(")" if y["rank_change"] is not None else "")
    print(f"  gap to next rank {prof['gap_to_next_rank']}, to leader {prof['gap_to_leader']}")
    print(f"  strengths {prof['strengths']}, weaknesses {prof['weaknesses']}")
    print(f"  90% rank interval {prof['rank_interval_90']}")
    t = prof["target"]
    print(f"  top {t['rank']}: need {t['score']} (+{t['gap']}), plan {t['plan']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = _Parser(prog="python -m metrics", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    r = sub.add_parser("rankings", help="one row per province for an edition")
    r.add_argument("--year", type=int, required=True)
    r.add_argument("--unit-set", choices=["63", "34"], default="63")
    r.add_argument("--measure", choices=list(indicator_codes()), default="dti")
    r.add_argument("--format", choices=["json", "csv"], default="json")
    r.add_argument("--assessment", metavar="KEY", help="an internal assessment (units, points)")
    r.set_defaults(func=cmd_rankings)
    pr = sub.add_parser("profile", help="everything about one province in one edition")
    pr.add_argument("--province", help="name in any known spelling")
    pr.add_argument("--assessment", metavar="KEY", help="an internal assessment")
    pr.add_argument("--unit", help="with --assessment: the unit's name or code")
    pr.add_argument("--year", type=int, required=True)
    pr.add_argument("--unit-set", choices=["63", "34"], default="63")
    pr.add_argument("--target-rank", type=int, default=10)
    pr.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws")
    pr.add_argument("--seed", type=int, default=0)
    pr.add_argument("--lang", choices=["vi", "en"], default="vi")
    pr.add_argument("--json", action="store_true", help="machine-readable output")
    pr.set_defaults(func=cmd_profile)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
