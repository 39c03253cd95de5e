"""``python -m data framework infer|declare|show`` (issue 10): an edition's framework
recovered from a results file, declared (from a file, like another edition, or from a
framework CSV) and shown. Same code paths as the upload page (app.declare)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _cli() -> Any:
    from app.cli import data as cli

    return cli


def _fw_problems(exc: Any, lang: str) -> None:
    for m in exc.messages(lang):
        print(f"ERROR {m}", file=sys.stderr)


def _infer(args: argparse.Namespace, year: int | None) -> Any:
    """Parse FILE and recover its points (app.declare.infer_file)."""
    from app.declare import infer_file

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _cli()._UsageError(f"cannot read {path}: {exc.strerror}") from None
    return infer_file(
        data,
        path.name,
        year=year,
        unit_set=args.unit_set,
        total_points=args.total_points,
        lang=args.lang,
        saved_mappings=_saved_mappings(),
    )


def _saved_mappings() -> Any:
    """The store's saved header/province mappings, as an import uses them (app.imports)."""
    from app.imports import Imports
    from data.store import Store

    return Imports(Store()).saved()


def cmd_framework_infer(args: argparse.Namespace) -> int:
    inf = _infer(args, args.year)
    if inf.file_level:
        _cli()._print_problems(inf.result, args.lang)
        return 2
    if inf.recovery is None:
        _cli()._print_problems(inf.result, args.lang)
        print(f"error: {inf.reason}", file=sys.stderr)
        return 1
    rec = inf.recovery
    if args.json:
        print(
            json.dumps(
                {
                    "points": rec.points,
                    "residual": round(rec.residual, 6),
                    "rows_used": rec.rows_used,
                    "max_residual": round(rec.max_residual, 6),
                    "exact": rec.exact,
                    "total_points": rec.total_points,
                    "year": inf.year,
                    "unit_set": inf.unit_set,
                    "worst": [
                        {
                            "province_code": r.unit,
                            "total": round(float(r.total), 4),
                            "fitted": round(float(r.fitted), 6),
                            "residual": round(float(r.residual), 6),
                        }
                        for r in rec.worst.itertuples(index=False)
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    for code, pts in rec.points.items():
        print(f"{code:<18} {pts:>6}   (estimate {rec.estimate[code]:.2f})")
    print(f"{'total':<18} {sum(rec.points.values()):>6}")
    print(
        f"rows used {rec.rows_used}; residual (RMS) {rec.residual:.6f}, "
        f"largest {rec.max_residual:.6f} ({'exact' if rec.exact else 'NOT exact'} "
        "to the published 4 decimals)"
    )
    for r in rec.worst.itertuples(index=False):
        print(f"  {r.unit}: total {r.total:.4f}, fitted {r.fitted:.6f}, residual {r.residual:+.6f}")
    return 0


def cmd_framework_declare(args: argparse.Namespace) -> int:
    from app import declare as d
    from data.frameworks import FrameworkError, declare

    store = _cli().Store()
    store.init()
    try:
        if args.like is not None:
            fw = d.like(args.like, args.year, basis=args.basis)
        elif args.file is not None:
            try:
                text = Path(args.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise _cli()._UsageError(f"cannot read {args.file}: {exc}") from None
            fw = d.from_csv(text, Path(args.file).name, args.year, basis=args.basis)
        else:
            args.file = args.from_file
            inf = _infer(args, args.year)
            if inf.file_level:
                _cli()._print_problems(inf.result, args.lang)
                return 2
            if inf.recovery is None:
                _cli()._print_problems(inf.result, args.lang)
                print(f"error: {inf.reason}", file=sys.stderr)
                return 1
            fw = d.from_points(args.year, inf.recovery.points, basis=args.basis)
            print(
                f"recovered from {Path(args.from_file).name}: {inf.recovery.rows_used} rows, "
                f"residual {inf.recovery.residual:.6f}"
            )
        stored = declare(store, fw, args.unit_set, user=args.user, replace_existing=args.replace)
    except FrameworkError as exc:
        _fw_problems(exc, args.lang)
        print("refused: the store is unchanged", file=sys.stderr)
        return 1
    for s in stored:
        pts = ", ".join(f"{c} {p:g}" for c, p in s.points.items())
        print(
            f"framework {s.edition} ({s.unit_set}) version {s.number}: {s.status}, "
            f"{s.total_points:g} points ({pts})"
        )
    return 0


def cmd_framework_show(args: argparse.Namespace) -> int:
    from data.frameworks import FrameworkError, framework

    try:
        fw = framework(args.year, args.unit_set)
    except FrameworkError as exc:
        _fw_problems(exc, args.lang)
        return 1
    if args.json:
        print(
            json.dumps(
                {
                    "points": fw.points,
                    "basis": fw.basis_line("en"),
                    "status": fw.status,
                    "edition": fw.edition,
                    "unit_set": fw.unit_set,
                    "version": fw.number,
                    "total_points": fw.total_points,
                    "basis_text": fw.basis,
                    "declared_by": fw.user if fw.status == "declared" else None,
                    "declared_at": fw.created_at if fw.status == "declared" else None,
                    "indicators": [
                        {
                            "code": i.code,
                            "group": i.group,
                            "points": i.points,
                            "pillars": list(i.pillars),
                            "label_vi": i.label_vi,
                            "label_en": i.label_en,
                        }
                        for i in fw.indicators
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    print(f"DTI {fw.edition} ({fw.unit_set}), version {fw.number}: {fw.basis_line(args.lang)}")
    for i in fw.indicators:
        pts = "" if i.points is None else f"{i.points:g}"
        print(
            f"  {i.code:<18} {i.group:<10} {pts:>6}  {'|'.join(i.pillars):<12} {i.label(args.lang)}"
        )
    return 0


def add_framework_commands(sub: Any, parser_class: type) -> None:
    f = sub.add_parser("framework", help="an edition's framework: infer, declare, show")
    fs = f.add_subparsers(dest="fw_cmd", required=True, parser_class=parser_class)
    i = fs.add_parser("infer", help="recover the points of each main index from a results file")
    i.add_argument("file")
    i.add_argument("--year", type=int)
    i.add_argument("--unit-set", choices=["63", "34"])
    i.add_argument("--total-points", type=float, default=1000.0)
    i.add_argument("--json", action="store_true")
    i.add_argument("--lang", choices=["vi", "en"], default="vi")
    i.set_defaults(func=cmd_framework_infer)
    d = fs.add_parser("declare", help="store an edition's framework (declared)")
    d.add_argument("--year", type=int, required=True)
    d.add_argument("--unit-set", choices=["63", "34"], required=True)
    src = d.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-file", metavar="RESULTS_FILE")
    src.add_argument("--like", type=int, metavar="YEAR")
    src.add_argument("--file", metavar="FRAMEWORK.csv")
    d.add_argument("--basis", required=True, metavar="TEXT")
    d.add_argument("--user", required=True, metavar="NAME")
    d.add_argument("--replace", action="store_true", help="replace an existing framework")
    d.add_argument("--total-points", type=float, default=1000.0, help=argparse.SUPPRESS)
    d.add_argument("--lang", choices=["vi", "en"], default="vi")
    d.set_defaults(func=cmd_framework_declare)
    s = fs.add_parser("show", help="an edition's framework")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--unit-set", choices=["63", "34"])
    s.add_argument("--json", action="store_true")
    s.add_argument("--lang", choices=["vi", "en"], default="vi")
    s.set_defaults(func=cmd_framework_show)
