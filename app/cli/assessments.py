"""CLI of the province's own assessments, wired into ``python -m data``:

python -m data validate FILE --assessment KEY --year Y [--register-units] [--title T] [--user N]
python -m data import FILE --assessment KEY --year Y [--register-units] [--title T] --user N
python -m data publish --assessment KEY --year Y --user NAME [--unpublish]
python -m data assessment-versions --assessment KEY --year Y [--json]
python -m data assessment-rollback --assessment KEY --year Y --to VERSION --user NAME
python -m data units --assessment KEY [--from LIST.xlsx --user NAME] [--json]
Exit codes: 0 ok, 1 invalid input (nothing stored), 2 usage or unreadable file.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any


def _read(args: argparse.Namespace) -> tuple[bytes, str] | None:
    path = Path(args.file)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return None


def _print(result: Any, lang: str) -> None:
    for p in result.problems:
        label = "ERROR" if p.severity == "error" else "warning"
        where = "!".join(x for x in (p.sheet or p.file, p.cell) if x)
        print(f"{label} [{where}] {p.code}: {p.message(lang)}", file=sys.stderr)


def _code(result: Any) -> int:
    return 0 if result.ok else (2 if result.file_level else 1)


def _summary(result: Any) -> str:
    n_units = len(result.units)
    return (
        f"{result.file_name}: layout {result.layout}, {n_units} units, "
        f"{len(result.nodes)} criteria, {len(result.values)} values"
    )


def cmd_validate(args: argparse.Namespace, store: Any) -> int:
    from app.assessments import validate

    got = _read(args)
    if got is None:
        return 2
    res = validate(store, got[0], got[1], args.assessment, args.year, args.register_units)
    if getattr(args, "json", False):
        print(json.dumps(res.as_json(args.lang), ensure_ascii=False, indent=1))
    else:
        _print(res, args.lang)
        if res.ok:
            extra = f"; would register {list(res.new_units['code'])}" if len(res.new_units) else ""
            print(f"OK {_summary(res)}{extra}")
    return _code(res)


def cmd_import(args: argparse.Namespace, store: Any) -> int:
    from app.assessments import import_file

    got = _read(args)
    if got is None:
        return 2
    out = import_file(
        store,
        got[0],
        got[1],
        args.assessment,
        args.year,
        user=args.user or getpass.getuser(),
        register_units=args.register_units,
        title=args.title,
    )
    _print(out.result, args.lang)
    if out.stored is None:
        print("refused: the store is unchanged", file=sys.stderr)
        return _code(out.result)
    v = out.stored.version
    if not out.stored.created:
        print(f"identical to version {v.number} of {args.assessment} {args.year}; nothing stored")
        return 0
    if out.stored.registered:
        print(f"registered {len(out.stored.registered)} units: {', '.join(out.stored.registered)}")
    print(
        f"imported {_summary(out.result)} as version {v.number} of {args.assessment} "
        f"{args.year} (unpublished: python -m data publish --assessment {args.assessment} "
        f"--year {args.year} --user NAME)"
    )
    return 0


def cmd_publish(args: argparse.Namespace, store: Any) -> int:
    from app.assessments import check_key
    from data.assessments_store import AssessmentStore

    check_key(args.assessment, args.year)
    info = AssessmentStore(store).set_published(
        args.assessment, args.year, not args.unpublish, args.user
    )
    state = "published" if info.published else "unpublished (visible to uploaders only)"
    print(f"{args.assessment} {args.year}: {state}")
    return 0


def cmd_versions(args: argparse.Namespace, store: Any) -> int:
    from data.assessments_store import AssessmentStore

    vs = AssessmentStore(store).versions(args.assessment, args.year)
    if args.json:
        print(json.dumps([v.__dict__ for v in vs], ensure_ascii=False, indent=1))
        return 0
    if not vs:
        print(f"no versions of {args.assessment} {args.year}", file=sys.stderr)
        return 1
    for v in vs:
        mark = "*" if v.current else " "
        print(f"{mark} {v.number:>3}  {v.created_at}  {v.user:<12} {v.sha256[:12]}  {v.file_name}")
    return 0


def cmd_rollback(args: argparse.Namespace, store: Any) -> int:
    from data.assessments_store import AssessmentStore

    v = AssessmentStore(store).rollback(args.assessment, args.year, args.to, args.user)
    print(f"{args.assessment} {args.year} is now at version {v.number} (unpublished)")
    return 0


def add_options(p: argparse.ArgumentParser) -> None:
    """The assessment options of ``validate``/``import`` (national files leave them out)."""
    p.add_argument(
        "--assessment", metavar="KEY", help="an internal assessment (slug, e.g. so-nganh)"
    )
    p.add_argument(
        "--register-units",
        action="store_true",
        help="with --assessment: add units not yet in the registry",
    )
    p.add_argument("--title", help="with --assessment: the assessment's title")


def add_commands(sub: Any) -> None:
    p = sub.add_parser("publish", help="make an internal assessment edition visible (audited)")
    p.add_argument("--assessment", required=True, metavar="KEY")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--unpublish", action="store_true", help="withdraw it again")
    p.set_defaults(func=cmd_publish, assessment_cmd=True)
    v = sub.add_parser("assessment-versions", help="versions of an internal assessment edition")
    v.add_argument("--assessment", required=True, metavar="KEY")
    v.add_argument("--year", type=int, required=True)
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_versions, assessment_cmd=True)
    r = sub.add_parser("assessment-rollback", help="make an earlier version current again")
    r.add_argument("--assessment", required=True, metavar="KEY")
    r.add_argument("--year", type=int, required=True)
    r.add_argument("--to", type=int, required=True, metavar="VERSION")
    r.add_argument("--user", required=True)
    r.set_defaults(func=cmd_rollback, assessment_cmd=True)
    add_units_command(sub)


def run(args: argparse.Namespace) -> int:
    """Dispatch an assessment command; usage and store errors exit 2, as elsewhere."""
    from app.assessments import AssessmentUsageError
    from data.store import Store, StoreError

    if args.year is None:
        print("error: --assessment needs --year", file=sys.stderr)
        return 2
    if args.cmd == "units" and args.source and not args.user:
        args.user = getpass.getuser()
    store = Store()
    store.init()
    handler = {"validate": cmd_validate, "import": cmd_import}.get(args.cmd, args.func)
    try:
        return handler(args, store)
    except AssessmentUsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


# --------------------------------------------------------------------------- metrics CLI


def _load(args: argparse.Namespace) -> Any:
    from data.assessments_store import AssessmentStore
    from data.store import Store

    store = Store()
    store.init()
    a = AssessmentStore(store)
    data = a.load(args.assessment, args.year)
    if data is None:
        print(f"error: no edition {args.year} of assessment {args.assessment!r}", file=sys.stderr)
        return None
    info = a.edition(args.assessment, args.year)
    if info is not None and not info.published:
        print(
            f"note: {args.assessment} {args.year} is not published (uploaders only)",
            file=sys.stderr,
        )
    return data


RANKING_KEYS = ["unit", "unit_code", "score", "self_score", "max_points", "rank"]


def metrics_rankings(args: argparse.Namespace) -> int:
    """python -m metrics rankings --assessment KEY --year Y --format json|csv"""
    from metrics.assessment import rank_units, records

    data = _load(args)
    if data is None:
        return 1
    table = rank_units(data.nodes, data.values, data.units, getattr(args, "lang", "vi"))
    table = table[RANKING_KEYS]
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        json.dump(records(table), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


def metrics_profile(args: argparse.Namespace) -> int:
    """python -m metrics profile --assessment KEY --unit NAME --year Y --json"""
    from app.assessments import profile_change, resolve_unit
    from metrics.assessment import profile

    if not args.unit:
        print("error: --assessment needs --unit NAME", file=sys.stderr)
        return 2
    data = _load(args)
    if data is None:
        return 1
    try:
        code = resolve_unit(data, args.unit)
    except KeyError as exc:
        hint = f"; closest: {exc.args[0]}" if exc.args and exc.args[0] else ""
        print(
            f"error: unit {args.unit!r} is not in {args.assessment} {args.year}{hint}",
            file=sys.stderr,
        )
        return 1
    prof = profile(data.nodes, data.values, data.units, code, args.lang)
    prof["assessment"] = args.assessment
    prof["year"] = args.year
    prof["change"] = profile_change(data, code, args.lang)
    if args.json:
        json.dump(prof, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(
        f"{prof['unit']} ({code}) {args.year}: {prof['score']} / {prof['max_points']} points, "
        f"rank {prof['rank']}/{prof['n']}"
    )
    for r in prof["to_gain"]:
        print(f"  {r['code']:<10} {r['label'][:50]:<50} lost {r['lost']}")
    return 0


def cmd_units(args: argparse.Namespace, store: Any) -> int:
    """python -m data units --assessment KEY [--from FILE --user NAME] [--json]: list the
    registry's units, or register the units of a list file (a new registry version)."""
    from app.assessments import check_key, registry_of
    from data.assessment_ingest.units_list import parse_unit_list
    from data.assessments_store import AssessmentStore

    check_key(args.assessment, 2025)
    known = registry_of(store, args.assessment)
    if args.source:
        path = Path(args.source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        units, problems = parse_unit_list(data, path.name, known)
        for p in problems:
            print(f"ERROR [{p.sheet}!{p.cell}] {p.code}: {p.message(args.lang)}", file=sys.stderr)
        if problems:
            print("refused: the store is unchanged", file=sys.stderr)
            from data.assessment_ingest.reuse import FILE_LEVEL_CODES

            return 2 if any(p.code in FILE_LEVEL_CODES for p in problems) else 1
        a = AssessmentStore(store)
        found = a.assessment(args.assessment)
        registry = found["registry_key"] if found else args.assessment
        added = a.register_units(
            registry, units, user=args.user, source=f"list:{path.name}", title=args.title or ""
        )
        print(f"registered {len(added)} units in {registry}: {', '.join(added) or '-'}")
        known = registry_of(store, args.assessment)
    if args.json:
        print(json.dumps(known.to_dict(orient="records"), ensure_ascii=False, indent=1))
    else:
        for u in known.itertuples(index=False):
            print(f"{u.code:<40} {u.kind:<14} {u.name_vi}")
    return 0


def add_units_command(sub: Any) -> None:
    u = sub.add_parser("units", help="an internal assessment's unit registry: list or add")
    u.add_argument("--assessment", required=True, metavar="KEY")
    u.add_argument("--from", dest="source", metavar="FILE", help="a list file of units")
    u.add_argument("--user", default=None)
    u.add_argument("--title", help="the registry's title when it is new")
    u.add_argument("--json", action="store_true")
    u.add_argument("--lang", choices=["vi", "en"], default="vi")
    u.set_defaults(func=cmd_units, assessment_cmd=True, year=0)
