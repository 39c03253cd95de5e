"""Translation table and the one number formatter.

Every user-facing string is a key in ``strings.csv`` (Vietnamese first, English second);
every number shown goes through ``fmt_num``/``fmt_rank``/``fmt_change`` so Vietnamese gets
its decimal comma everywhere, charts and exports included. Pure: no streamlit.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from pathlib import Path

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"
_FILE = Path(__file__).resolve().parent / "strings.csv"


class MissingTranslation(KeyError):
    pass


@cache
def table() -> dict[str, dict[str, str]]:
    with open(_FILE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        if r["key"] in out:
            raise RuntimeError(f"duplicate translation key {r['key']!r}")
        out[r["key"]] = {"vi": r["vi"], "en": r["en"]}
    return out


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **kwargs: object) -> str:
    """The text for ``key`` in ``lang``; ``{name}`` placeholders filled from kwargs.

    An unknown key raises (a test walks the code for every key used)."""
    try:
        text = table()[key][lang_or_default(lang)]
    except KeyError:
        raise MissingTranslation(key) from None
    return text.format(**kwargs) if kwargs else text


def is_missing(x: object) -> bool:
    """None, NaN, pd.NA and NaT (anything not equal to itself, or not comparable)."""
    if x is None:
        return True
    try:
        return bool(x != x)  # noqa: PLR0124 - NaN and NaT
    except (TypeError, ValueError):
        return True  # pd.NA: its comparison is itself NA


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang_or_default(lang))


@cache
def _pattern(decimals: int, signed: bool, trim: bool) -> NumberPattern:
    digits = ("#" if trim else "0") * decimals
    body = f"#,##0.{digits}" if decimals else "#,##0"
    return parse_pattern(f"+{body};-{body}" if signed else body)


def _format(x: float | int | Decimal, lang: str, decimals: int, signed: bool, trim: bool) -> str:
    """Babel (CLDR: "1.234,5" in vi, "1,234.5" in en), rounding half up as published."""
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        text = _pattern(decimals, signed, trim).apply(x, _locale(lang))
    return "−" + text[1:] if text.startswith("-") else text


def fmt_num(
    x: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 4, signed: bool = False
) -> str:
    """1234.5 -> "1.234,5000" (vi) / "1,234.5000" (en); missing (None, NaN, pd.NA) -> "–".

    The one number formatter (Babel's CLDR data for vi and en), rounding half up; a minus
    is the typographic "−". Example: fmt_num(0.6383, "vi") == "0,6383"."""
    if is_missing(x):
        return "–"
    return _format(x, lang, decimals, signed, trim=False)  # type: ignore[arg-type]


def fmt_decimal(x: float | int | None, lang: str = DEFAULT_LANG, max_decimals: int = 6) -> str:
    """A number with as many decimals as it needs, up to ``max_decimals``; missing -> "–".

    For figures quoted in messages, where fixed decimals would mislead (a 200 MB cap is not
    "200,0000 MB"). Example: fmt_decimal(0.65, "vi") == "0,65"; fmt_decimal(200.0) == "200"."""
    if is_missing(x):
        return "–"
    return _format(x, lang, max_decimals, signed=False, trim=True)  # type: ignore[arg-type]


def fmt_int(x: float | int | None, lang: str = DEFAULT_LANG, signed: bool = False) -> str:
    return fmt_num(x, lang, decimals=0, signed=signed)


def fmt_pct(x: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """0.256 -> "25,6 %" (vi) / "25.6%" (en)."""
    if is_missing(x):
        return "–"
    body = fmt_num(float(x) * 100, lang, decimals)
    return f"{body} %" if lang_or_default(lang) == "vi" else f"{body}%"


def fmt_rank(
    rank: float | int | None, n: float | int | None = None, lang: str = DEFAULT_LANG
) -> str:
    """13 of 63 -> "13/63"; missing -> "–"."""
    if is_missing(rank):
        return "–"
    return f"{int(rank)}/{int(n)}" if not is_missing(n) else f"{int(rank)}"


def fmt_rank_change(change: float | int | None, lang: str = DEFAULT_LANG) -> str:
    """+2 places up -> "▲ 2", down -> "▼ 3", unchanged -> "= 0"."""
    if is_missing(change):
        return "–"
    c = int(change)
    return f"▲ {c}" if c > 0 else (f"▼ {-c}" if c < 0 else "= 0")


VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")  # Vietnam keeps no summer time


def fmt_datetime(value: str | datetime | None, lang: str = DEFAULT_LANG) -> str:
    """A stored timestamp (ISO 8601; UTC when it has no offset) in Vietnam local time:
    "01/12/2026 21:45" (vi) / "2026-12-01 21:45" (en); missing or unreadable -> "–".

    Example: fmt_datetime("2026-12-01T14:45:00+00:00", "vi") == "01/12/2026 21:45"."""
    if value is None or value == "":
        return "–"
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return "–"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(VIETNAM_TIME)
    return local.strftime("%d/%m/%Y %H:%M" if lang_or_default(lang) == "vi" else "%Y-%m-%d %H:%M")


def css_string(text: str) -> str:
    """A translation as a CSS string literal (quotes, backslashes, angle brackets and
    control characters escaped), so that it can only ever be text.

    Example: css_string('a"b') == '"a\\000022b"'."""
    out = [f"\\{ord(ch):06x}" if ch in '\\"<>' or ord(ch) < 32 else ch for ch in text]
    return '"' + "".join(out) + '"'


def fmt_step(x: float | None, lang: str = DEFAULT_LANG) -> str:
    """A slider value: 2 decimals on the 0.01 grid, 4 (as published) otherwise.

    Example: fmt_step(0.75, "vi") == "0,75"; fmt_step(0.7421, "vi") == "0,7421"."""
    if x is None or x != x:
        return fmt_num(x, lang)
    return fmt_num(x, lang, 2 if round(float(x), 2) == float(x) else 4)
