"""CLI over the chart exports (the same functions the app calls).

python -m charts deck --province NAME --year Y --lang vi|en [--target N] [--unit-set 63|34]
                      --out F.pptx [--briefing F.docx] [--internal KEY [--internal-year Y]]
Exit codes: 0 ok, 1 invalid input (unknown province, edition without data, target out of
range), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from i18n import LANGS, fmt_num, t


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 (argparse's default too)
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_deck(args: argparse.Namespace) -> int:
    from app.dataset import load_dataset
    from charts.briefing import briefing_docx
    from charts.deck import slides
    from charts.export import build_deck, slide_images
    from data.provinces import UnknownProvinceError, resolve
    from metrics.provenance import provenance

    lang = args.lang
    start = time.perf_counter()
    try:
        code = resolve(args.province, args.unit_set)
    except UnknownProvinceError as exc:
        return _fail(
            t(
                "cli.unknown_province",
                lang,
                name=args.province,
                suggestions=", ".join(exc.suggestions) or "–",
            )
        )
    ds = load_dataset()
    part = ds.ranked[(ds.ranked["unit_set"] == args.unit_set) & (ds.ranked["indicator"] == "dti")]
    years = sorted({int(e) for e in part["edition"]})
    if args.year not in years:
        return _fail(
            t(
                "cli.no_edition",
                lang,
                year=args.year,
                unit=args.unit_set,
                years=", ".join(map(str, years)),
            )
        )
    n = int(part[part["edition"] == args.year]["score"].notna().sum())
    if not 1 <= args.target <= n:
        return _fail(t("cli.bad_target", lang, n=n))
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    try:
        deck = slides(ds, prov, code, args.year, lang, args.target, args.unit_set)
    except KeyError:
        return _fail(t("cli.no_dti", lang, province=args.province, year=args.year))
    if args.internal:
        from charts.deck import internal_slide
        from data.assessment_cli import deck_inputs

        got = deck_inputs(args.internal, args.internal_year or args.year, lang)
        if got is None:
            return _fail(
                t(
                    "cli.internal_missing",
                    lang,
                    assessment=args.internal,
                    year=args.internal_year or args.year,
                )
            )
        title, ranking, changes, prev_year = got
        deck.append(
            internal_slide(
                len(deck) + 1, title, args.internal_year or args.year, ranking, changes, lang,
                prev_year,
            )
        )  # fmt: skip
    images = slide_images(deck)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_deck(deck, out, images, lang)
    if args.briefing:
        Path(args.briefing).write_bytes(briefing_docx(deck, lang, images[0]))
    print(
        t(
            "cli.written",
            lang,
            path=out,
            n=len(deck),
            seconds=fmt_num(time.perf_counter() - start, lang, 1),
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m charts", description="Chart exports: the DT Day deck.")
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("deck", help="write the 8-slide DT Day deck as a 16:9 PPTX")
    d.error = parser.error  # type: ignore[method-assign]  # subcommand usage errors exit 2
    d.add_argument("--province", required=True, help="province name, e.g. 'Hải Dương'")
    d.add_argument("--year", required=True, type=int, help="DTI edition, e.g. 2024")
    d.add_argument("--lang", choices=LANGS, default="vi")
    d.add_argument("--target", type=int, default=10, help="target rank (default 10)")
    d.add_argument("--unit-set", choices=["63", "34"], default="63")
    d.add_argument("--out", required=True, help="output .pptx path")
    d.add_argument("--briefing", help="also write the one-page briefing (.docx) here")
    d.add_argument(
        "--internal",
        metavar="KEY",
        help="add a slide on the province's own (published) ranking of assessment KEY",
    )
    d.add_argument("--internal-year", type=int, help="its year (default: --year)")
    args = parser.parse_args(argv)
    return cmd_deck(args)


if __name__ == "__main__":
    sys.exit(main())
