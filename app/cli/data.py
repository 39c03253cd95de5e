"""Operator CLI for the store (the web app calls the same functions).

python -m data init                      upgrade the schema (as `upgrade`) and seed the bundled data
python -m data upgrade                   bring the store's schema to this release (Alembic)
python -m data check                     readiness: database reachable, schema at head (exit 0/1)
python -m data backup --out FILE.zip     the whole store in one portable file (see data.backup)
python -m data restore FILE.zip [--force] [--safety-dir DIR]
                                         rebuild an empty store (DTI_DB_URL) from a backup
python -m data export --year Y [--unit-set 63|34] --format csv|xlsx --out F
python -m data hash-password < pw.txt  print a scrypt hash for DTI_UPLOAD_PASSWORD_HASH
python -m data validate FILE [--year Y] [--json]           check a spreadsheet; writes nothing
python -m data import FILE [--year Y] [--replace] [--user NAME]
python -m data diff FILE [--year Y]                        what an import would change
python -m data versions --year Y [--unit-set 63|34] [--json]
python -m data rollback --year Y [--unit-set 63|34] --to VERSION [--user NAME]
python -m data template --year Y --unit-set 63|34 --out F.xlsx
python -m data framework infer FILE [--year Y] [--unit-set 63|34] [--total-points 1000] [--json]
python -m data framework declare --year Y --unit-set 63|34
    (--from-file RESULTS_FILE | --like YEAR | --file FRAMEWORK.csv) --basis TEXT --user NAME
    [--replace]
python -m data framework show --year Y [--unit-set S] [--json]
python -m data import|validate FILE --assessment KEY --year Y [--register-units] [--title T]
    --user NAME; python -m data publish --assessment KEY --year Y --user NAME [--unpublish]
    (the province's own assessments, see app.cli.assessments)
validate/import/diff also take --unit-set, --scale 1|100|1000, --override-year (a --year that
differs from the title year is refused without it), --mapping FILE.json
({"header text": "code"}; saved in the store for reuse after a successful import, see
data.mappings_store)
and --lang vi|en for messages. import without --replace refuses an edition that already
has a current version.
Exit codes: 0 ok, 1 invalid input (store unchanged), 2 usage or unreadable file/store.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from data.store import Store as _StoreT


def Store() -> _StoreT:  # noqa: N802 - stands in for the class, imported lazily
    """data.store.Store(); imported on first use so that `validate` and `template` do not
    pay for SQLAlchemy at start-up (about 0.35 s of the CLI's time)."""
    from data.store import Store as _Store

    return _Store()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def cmd_init(args: argparse.Namespace) -> int:
    store = Store()
    seeded = store.seed_if_empty()
    print(
        f"store ready at {store.url_safe} ({'seeded with the bundled data' if seeded else 'kept'})"
    )
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    from data.migrate import upgrade

    store = Store()
    before, after = upgrade(store.engine)
    if before == after:
        print(f"schema of {store.url_safe} already at revision {after}")
    else:
        print(
            f"schema of {store.url_safe} upgraded: {before or 'unversioned (new, or made by release 1)'} -> {after}"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from data.migrate import readiness

    store = Store()
    ok, why = readiness(store.engine)
    print(
        f"{'ready' if ok else 'not ready'}: {store.url_safe}: {why}",
        file=sys.stdout if ok else sys.stderr,
    )
    return 0 if ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from data.backup import BackupError, write_backup

    store = Store()
    try:
        m = write_backup(store, Path(args.out))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc}", file=sys.stderr)
        return 2
    rows = sum(t.rows for t in m.tables.values())
    print(
        f"backup of {store.url_safe} -> {args.out}: schema {m.schema_revision}, "
        f"{len(m.tables)} tables, {rows} rows, {len(m.files)} original files"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from data.backup import BackupError, TargetNotEmpty, restore_backup

    store = Store()
    try:
        res = restore_backup(
            Path(args.file),
            store,
            force=args.force,
            safety_dir=Path(args.safety_dir) if args.safety_dir else None,
        )
    except TargetNotEmpty as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except BackupError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    if res.replaced_backup is not None:
        print(f"the replaced content was saved first to {res.replaced_backup}")
    rows = sum(t.rows for t in res.manifest.tables.values())
    print(
        f"restored {args.file} ({res.manifest.created_at}, from {res.manifest.source_dialect}) "
        f"into {store.url_safe}: {len(res.manifest.tables)} tables, {rows} rows, "
        f"{len(res.manifest.files)} original files; counts and checksums verified; "
        f"schema now at {res.revision}"
    )
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


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Read a password on stdin (first line), print its scrypt hash for
    DTI_UPLOAD_PASSWORD_HASH. Typed at a terminal, the password is not echoed."""
    import getpass

    from data.auth import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("error: empty password on stdin", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


def _read_mapping(path: str | None) -> dict[str, str] | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _UsageError(f"cannot read mapping file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise _UsageError(f'mapping file {path} must hold a JSON object {{"header": "code"}}')
    from data.ingest import normalise_mapping

    try:
        normalise_mapping(data)
    except ValueError as exc:
        raise _UsageError(f"mapping file {path}: {exc}") from None
    return {str(k): str(v) for k, v in data.items()}


class _UsageError(Exception):
    pass


def _read_province_mapping(path: str | None) -> dict[str, dict[str, str]] | None:
    """{"63": {"name as written": "code"}, "34": {...}} from a JSON file."""
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _UsageError(f"cannot read province mapping file {path}: {exc}") from None
    from data.ingest import normalise_province_mapping

    try:
        if not isinstance(data, dict):
            raise ValueError('must hold {"63": {"name": "code"}}')
        normalise_province_mapping(data)
    except (ValueError, AttributeError) as exc:
        raise _UsageError(f"province mapping file {path}: {exc}") from None
    return {str(u): {str(k): str(v) for k, v in m.items()} for u, m in data.items()}


def _imports() -> Any:
    """The import service (app.imports) over the store."""
    from app.imports import Imports

    return Imports(Store())


def _options(args: argparse.Namespace) -> Any:
    """The common file options as app.imports.ImportOptions (mapping files read here)."""
    from app.imports import ImportOptions

    return ImportOptions(
        year=args.year,
        unit_set=args.unit_set,
        scale=args.scale,
        mapping=_read_mapping(args.mapping),
        province_mapping=_read_province_mapping(args.province_mapping),
        missing_tokens=tuple(args.missing_token),
        override_year=bool(getattr(args, "override_year", False)),
    )


def _parse_file(args: argparse.Namespace, imp: Any) -> tuple[Any, bytes]:
    """Read and parse FILE with the common options; returns (IngestResult, bytes)."""
    return imp.parse_path(Path(args.file), _options(args))


def _exit_code(result: Any) -> int:
    if result.ok:
        return 0
    return 2 if result.file_level else 1


def _print_problems(result: Any, lang: str, stream: Any = None) -> None:
    stream = stream or sys.stderr  # looked up at call time (tests capture it)
    for p in result.problems:
        where = "!".join(x for x in (p.sheet or p.file, p.cell) if x)
        label = "ERROR" if p.severity == "error" else "warning"
        print(f"{label} [{where}] {p.code}: {p.message(lang)}", file=stream)


def _summary(result: Any) -> str:
    n_prov = result.rows["province_code"].nunique()
    inds = ", ".join(sorted(result.rows["indicator"].unique()))
    return (
        f"{result.file_name}: edition {result.edition}, {result.unit_set}-province set, "
        f"sheet {result.sheet!r}, scale {result.scale}, {n_prov} provinces, "
        f"{len(result.rows)} values ({inds})"
    )


def _print_diff(diff: Any, limit: int = 40) -> None:
    if diff is None or diff.empty:
        print("no change against the current version")
        return
    changed = diff[diff["change"] == "changed"]
    print(
        f"{diff['province_code'].nunique()} provinces, {diff['indicator'].nunique()} "
        f"indicators differ ({len(changed)} changed, "
        f"{int((diff['change'] == 'added').sum())} added, "
        f"{int((diff['change'] == 'removed').sum())} removed); "
        f"largest |change| {diff['delta'].abs().max():.4f}"
    )
    for r in diff.head(limit).itertuples(index=False):
        old = "-" if r.old != r.old else f"{r.old:.4f}"
        new = "-" if r.new != r.new else f"{r.new:.4f}"
        delta = "" if r.delta != r.delta else f" ({r.delta:+.4f})"
        print(f"  {r.province_code} {r.province:<22} {r.indicator:<16} {old} -> {new}{delta}")
    if len(diff) > limit:
        print(f"  ... and {len(diff) - limit} more")


def cmd_validate(args: argparse.Namespace) -> int:
    result, _ = _parse_file(args, _imports())
    if args.json:
        print(json.dumps(result.as_json(args.lang), ensure_ascii=False, indent=1))
    else:
        _print_problems(result, args.lang)
        if result.ok:
            print(f"OK {_summary(result)}")
    return _exit_code(result)


def cmd_import(args: argparse.Namespace) -> int:
    imp = _imports()
    opts = _options(args)
    result, data = imp.parse_path(Path(args.file), opts)
    _print_problems(result, args.lang)
    if not result.ok:
        print("refused: the store is unchanged", file=sys.stderr)
        return _exit_code(result)
    # the mappings given are saved in the store with the version (app.imports)
    [out] = imp.confirm(
        [(result, data)],
        user=args.user or getpass.getuser(),
        replace=args.replace,
        mappings=opts.given,
    )
    if out.status == "invalid":
        for p in out.problems:
            print(f"ERROR [{p.sheet}!{p.cell}] {p.code}: {p.message(args.lang)}", file=sys.stderr)
        print("refused: the store is unchanged", file=sys.stderr)
        return 1
    if out.status == "needs_replace":
        _print_diff(out.diff)
        if out.version is not None:
            print(
                f"refused: identical to version {out.version.number} of {result.edition} "
                f"({result.unit_set}), which is not current; pass --replace to make it "
                "current again",
                file=sys.stderr,
            )
        else:
            print(
                f"refused: edition {result.edition} ({result.unit_set}) already has a current "
                "version; pass --replace to make this file the new version",
                file=sys.stderr,
            )
        return 1
    if out.status == "busy":
        from i18n import t

        print(f"refused: {t('upload.busy', args.lang)}", file=sys.stderr)
        return 1
    v = out.version
    if out.status == "identical":
        print(f"identical to version {v.number} of {v.edition} ({v.unit_set}); nothing stored")
        return 0
    if out.status == "restored":
        print(
            f"identical to version {v.number} of {v.edition} ({v.unit_set}); "
            "it is the current version again"
        )
        return 0
    _print_diff(out.diff)
    print(f"imported {_summary(result)} as version {v.number} of {v.edition} ({v.unit_set})")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    imp = _imports()
    result, _ = _parse_file(args, imp)
    _print_problems(result, args.lang)
    if not result.ok:
        return _exit_code(result)
    _print_diff(imp.diff(result))
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    store = Store()
    store.seed_if_empty()
    vs = store.versions(args.year, args.unit_set)
    if args.json:
        print(json.dumps([v.__dict__ for v in vs], ensure_ascii=False, indent=1))
        return 0
    if not vs:
        print(f"no versions of edition {args.year} ({args.unit_set})")
        return 1
    for v in vs:
        mark = "*" if v.current else " "
        print(
            f"{mark} {v.number:>3}  {v.created_at}  {v.user:<12} {v.n_values:>5} values  "
            f"{v.sha256[:12]}  {v.file_name}"
        )
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from data.store import StoreError

    store = Store()
    store.seed_if_empty()
    try:
        v = store.rollback(args.year, args.unit_set, args.to, args.user or getpass.getuser())
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"edition {v.edition} ({v.unit_set}) is now at version {v.number} ({v.file_name})")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from data.ingest import make_template

    try:
        data = make_template(args.year, args.unit_set)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    Path(args.out).write_bytes(data)
    print(f"template for {args.year} ({args.unit_set} provinces) -> {args.out}")
    return 0


def _file_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file")
    p.add_argument("--year", type=int)
    p.add_argument(
        "--override-year",
        action="store_true",
        help="confirm that --year wins over a different year in the file's title "
        "(otherwise such a file is refused)",
    )
    p.add_argument("--unit-set", choices=["63", "34"], help="default: detected")
    p.add_argument(
        "--scale",
        choices=["1", "100", "1000"],
        help="1 = 0..1, 100 = 0..100, 1000 = points of 1000; default: detected",
    )
    p.add_argument(
        "--mapping",
        metavar="FILE.json",
        help='header mapping {"header text": "code"}; saved after an import',
    )
    p.add_argument(
        "--province-mapping",
        metavar="FILE.json",
        help='province names {"63": {"name as written": "GSO code"}}; saved after an import',
    )
    p.add_argument(
        "--missing-token",
        action="append",
        default=[],
        metavar="TEXT",
        help='text that marks a missing value (e.g. "n/a"; repeatable); any other text '
        "in a number cell is an error",
    )
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    from app.cli.assessments import add_options

    add_options(p)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m data", description="DTI store operations")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    sub.add_parser(
        "init", help="upgrade the schema and seed the bundled data into an empty store"
    ).set_defaults(func=cmd_init)
    sub.add_parser(
        "upgrade", help="bring the store's schema to this release (Alembic migrations)"
    ).set_defaults(func=cmd_upgrade)
    sub.add_parser(
        "check", help="readiness: the database is reachable and its schema is current (exit 0/1)"
    ).set_defaults(func=cmd_check)
    b = sub.add_parser("backup", help="write the whole store to one portable zip file")
    b.add_argument("--out", required=True, metavar="FILE.zip")
    b.set_defaults(func=cmd_backup)
    rs = sub.add_parser("restore", help="rebuild an empty store (DTI_DB_URL) from a backup")
    rs.add_argument("file", metavar="FILE.zip")
    rs.add_argument(
        "--force",
        action="store_true",
        help="replace a store that holds data (its content is backed up first)",
    )
    rs.add_argument(
        "--safety-dir",
        metavar="DIR",
        help="where --force writes the backup of what it replaces (default: current directory)",
    )
    rs.set_defaults(func=cmd_restore)
    e = sub.add_parser("export", help="one edition as CSV or XLSX")
    e.add_argument("--year", type=int, required=True)
    e.add_argument("--unit-set", choices=["63", "34"], default="63")
    e.add_argument("--format", choices=["csv", "xlsx"], required=True)
    e.add_argument("--out", required=True)
    e.set_defaults(func=cmd_export)
    sub.add_parser(
        "hash-password",
        help="scrypt hash of a password read on stdin, for DTI_UPLOAD_PASSWORD_HASH",
    ).set_defaults(func=cmd_hash_password)
    _add_ingest_commands(sub)
    from app.cli.framework import add_framework_commands

    add_framework_commands(sub, _Parser)
    return p


def _add_ingest_commands(sub: Any) -> None:
    v = sub.add_parser("validate", help="check a spreadsheet; writes nothing")
    _file_options(v)
    v.add_argument("--json", action="store_true")
    v.add_argument("--user", help="with --assessment: who checks (not stored)")
    v.set_defaults(func=cmd_validate)
    i = sub.add_parser("import", help="store a spreadsheet as a new version of its edition")
    _file_options(i)
    i.add_argument(
        "--replace",
        action="store_true",
        help="replace the current version (kept and restorable with rollback)",
    )
    i.add_argument("--user")
    i.set_defaults(func=cmd_import)
    d = sub.add_parser("diff", help="what importing a spreadsheet would change")
    _file_options(d)
    d.set_defaults(func=cmd_diff)
    vs = sub.add_parser("versions", help="versions of an edition")
    vs.add_argument("--year", type=int, required=True)
    vs.add_argument("--unit-set", choices=["63", "34"], default="63")
    vs.add_argument("--json", action="store_true")
    vs.set_defaults(func=cmd_versions)
    r = sub.add_parser("rollback", help="make an earlier version current again")
    r.add_argument("--year", type=int, required=True)
    r.add_argument("--unit-set", choices=["63", "34"], default="63")
    r.add_argument("--to", type=int, required=True, metavar="VERSION")
    r.add_argument("--user")
    r.set_defaults(func=cmd_rollback)
    t = sub.add_parser("template", help="a blank workbook in the official layout")
    t.add_argument("--year", type=int, required=True)
    t.add_argument("--unit-set", choices=["63", "34"], required=True)
    t.add_argument("--out", required=True)
    t.set_defaults(func=cmd_template)
    from app.cli.assessments import add_commands

    add_commands(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "assessment_cmd", False) or getattr(args, "assessment", None):
        from app.cli.assessments import run

        return run(args)
    try:
        return args.func(args)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from data.migrate import MigrationError
        from data.store import StoreError

        if not isinstance(exc, StoreError | MigrationError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
