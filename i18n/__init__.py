"""Translation table and the one number formatter.

Every user-facing string is a key in ``strings.csv`` (Vietnamese first, English second);
every number shown goes through ``fmt_num``/``fmt_rank``/``fmt_change`` so Vietnamese gets
its decimal comma everywhere, charts and exports included. Pure: no streamlit.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path

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


def _is_missing(x: object) -> bool:
    if type(x).__name__ == "NAType":  # pandas' NA (pandas is not imported here)
        return True
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or x != x  # noqa: PLR0124
    except (TypeError, ValueError):
        return False


def fmt_num(
    x: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 4, signed: bool = False
) -> str:
    """1234.5 -> "1.234,5000" (vi) / "1,234.5000" (en); missing -> "–".

    Example: fmt_num(0.6383, "vi") == "0,6383"."""
    if _is_missing(x):
        return "–"
    text = f"{float(x):{'+' if signed else ''},.{decimals}f}"
    if lang_or_default(lang) == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−") if text.startswith("-") else text


def fmt_int(x: float | int | None, lang: str = DEFAULT_LANG, signed: bool = False) -> str:
    return fmt_num(x, lang, decimals=0, signed=signed)


def fmt_pct(x: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """0.256 -> "25,6 %" (vi) / "25.6%" (en)."""
    if _is_missing(x):
        return "–"
    body = fmt_num(float(x) * 100, lang, decimals)
    return f"{body} %" if lang_or_default(lang) == "vi" else f"{body}%"


def fmt_rank(
    rank: float | int | None, n: float | int | None = None, lang: str = DEFAULT_LANG
) -> str:
    """13 of 63 -> "13/63"; missing -> "–"."""
    if _is_missing(rank):
        return "–"
    return f"{int(rank)}/{int(n)}" if not _is_missing(n) else f"{int(rank)}"


def fmt_rank_change(change: float | int | None, lang: str = DEFAULT_LANG) -> str:
    """+2 places up -> "▲ 2", down -> "▼ 3", unchanged -> "= 0"."""
    if _is_missing(change):
        return "–"
    c = int(change)
    return f"▲ {c}" if c > 0 else (f"▼ {-c}" if c < 0 else "= 0")


def fmt_decimal(x: float | int | None, lang: str = DEFAULT_LANG, max_decimals: int = 6) -> str:
    """A number with as many decimals as it needs, up to ``max_decimals``; missing -> "–".

    For figures quoted in messages, where fixed decimals would mislead (a 200 MB cap is not
    "200,0000 MB"). Example: fmt_decimal(0.65, "vi") == "0,65"; fmt_decimal(200.0) == "200"."""
    if _is_missing(x):
        return "–"
    text = fmt_num(x, lang, decimals=max_decimals)
    point = "," if lang_or_default(lang) == "vi" else "."
    return text.rstrip("0").rstrip(point) if point in text else text
