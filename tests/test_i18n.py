"""Every string through the table, in both languages; every number through one formatter."""

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from i18n import (
    LANGS,
    MissingTranslation,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_rank,
    fmt_rank_change,
    t,
    table,
)

REPO = Path(__file__).resolve().parents[1]
KEY_USE = re.compile(r"""\bt\(\s*f?["']([a-z0-9_.]+)["']""")


def test_table_rows_are_well_formed_and_complete():
    with open(REPO / "i18n" / "strings.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["key", "vi", "en"]
    for row in rows[1:]:
        assert len(row) == 3, row  # an unquoted comma would split a field
        assert row[1].strip() and row[2].strip(), row
    assert len(table()) == len(rows) - 1


def test_every_key_used_in_code_exists():
    used = set()
    for folder in ("views", "charts", "metrics", "data", "data/ingest", "app", "domain", "."):
        for path in (REPO / folder).glob("*.py"):
            used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    missing = {k for k in used if k not in table() and not k.endswith(".")}
    assert not missing


def _problem_codes() -> set[str]:
    """Codes passed to problem(...) / rep.error|warn|fail(...) anywhere in the product."""
    import ast

    codes: set[str] = set()
    paths = [p for f in ("data", "app", "views") for p in (REPO / f).rglob("*.py")]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
            if name not in {"problem", "error", "warn", "fail"}:
                continue
            arg = node.args[0]
            for const in ast.walk(arg):
                text = const.value if isinstance(const, ast.Constant) else None
                if isinstance(text, str) and re.fullmatch(r"[A-Z][A-Z_]+", text):
                    codes.add(text)
    return codes


def test_every_ingest_problem_has_a_message():
    """Ingestion messages live in the one table (keys ingest.<code>), both languages."""
    codes = _problem_codes()
    assert {"NON_NUMERIC", "FILE_NOT_FOUND", "RANK_MISMATCH", "SCALE_AMBIGUOUS"} <= codes
    missing = {c for c in codes if f"ingest.{c.lower()}" not in table()}
    assert not missing
    from data.ingest import problem

    p = problem("OUT_OF_RANGE", cell="D7", column="h", province="X", value=1.5, hi=1.0, scale="0–1")
    assert "1,5" in p.message_vi and "1.5" in p.message_en


def test_placeholders_match_between_languages():
    ph = re.compile(r"{(\w+)}")
    for key, texts in table().items():
        assert set(ph.findall(texts["vi"])) == set(ph.findall(texts["en"])), key


def test_lookup_and_fallback():
    assert t("nav.overview", "vi") == "Tổng quan"
    assert t("nav.overview", "en") == "Overview"
    assert t("nav.overview", "fr") == "Tổng quan"  # unknown language -> Vietnamese
    with pytest.raises(MissingTranslation):
        t("no.such.key")
    assert set(LANGS) == {"vi", "en"}


@pytest.mark.parametrize(
    ("value", "lang", "kw", "out"),
    [
        (0.6383, "vi", {}, "0,6383"),
        (0.6383, "en", {}, "0.6383"),
        (1234.5, "vi", {"decimals": 1}, "1.234,5"),
        (1234.5, "en", {"decimals": 1}, "1,234.5"),
        (-0.012, "vi", {"signed": True}, "−0,0120"),
        (0.0198, "en", {"signed": True}, "+0.0198"),
        (None, "vi", {}, "–"),
        (float("nan"), "en", {}, "–"),
        (pd.NA, "vi", {}, "–"),
        (0.63835, "vi", {}, "0,6384"),  # half up, as the published rounding (round4)
        (np.float64(2512.25), "en", {"decimals": 1}, "2,512.3"),
    ],
)
def test_fmt_num(value, lang, kw, out):
    assert fmt_num(value, lang, **kw) == out


@pytest.mark.parametrize(
    ("value", "lang", "out"),
    [(0.65, "vi", "0,65"), (0.65, "en", "0.65"), (200.0, "vi", "200"), (None, "en", "–")],
)
def test_fmt_decimal(value, lang, out):
    from i18n import fmt_decimal

    assert fmt_decimal(value, lang) == out


def test_other_formatters():
    assert fmt_int(2512, "vi") == "2.512"
    assert fmt_int(pd.NA, "vi") == "–" and fmt_pct(None) == "–" and fmt_rank(pd.NA, 63) == "–"
    assert fmt_pct(0.957, "vi") == "95,7 %"
    assert fmt_pct(0.957, "en") == "95.7%"
    assert fmt_rank(13, 63) == "13/63"
    assert fmt_rank_change(2) == "▲ 2" and fmt_rank_change(-3) == "▼ 3"
