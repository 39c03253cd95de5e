"""CLI over the chart exports (the same functions the app calls); ``python -m charts``
(charts/__main__.py) is its entry point.

python -m charts deck [--province NAME] --year Y --lang vi|en [--target N] [--unit-set 63|34]
                      --out F.pptx [--briefing F.docx] [--internal KEY [--internal-year Y]]
Exit codes: 0 ok, 1 invalid input (unknown province, edition without data, target out of
range), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app.deck import DeckError, deck_slides, write_deck
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
    lang = args.lang
    start = time.perf_counter()
    try:
        deck = deck_slides(
            args.province,
            args.year,
            lang,
            args.target,
            args.unit_set,
            args.internal,
            args.internal_year,
        )
    except DeckError as exc:
        return _fail(str(exc))
    out = Path(args.out)
    write_deck(deck, out, lang, Path(args.briefing) if args.briefing else None)
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
    d.add_argument(
        "--province",
        help="province name, e.g. 'Hải Dương' (default: the home province, DTI_HOME_PROVINCE)",
    )
    d.add_argument("--year", required=True, type=int, help="DTI edition, e.g. 2024")
    d.add_argument("--lang", choices=LANGS, default="vi")
    d.add_argument("--target", type=int, default=10, help="target rank (default 10)")
    d.add_argument(
        "--unit-set",
        choices=["63", "34"],
        help="63 or 34 (default: the edition's own set, 63 when it has both)",
    )
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
