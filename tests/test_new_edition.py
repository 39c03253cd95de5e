"""A new edition without a developer (issue 10): a 2025 file for the 34 provinces goes
through the CLI (infer, declare, validate, import), then rankings and profile show it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.__main__ import main
from data.store import Store
from tests.edition_fixtures import POINTS_2025, results_2025

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    url = f"sqlite:///{tmp_path / 'ed.db'}"
    monkeypatch.setenv("DTI_DB_URL", url)
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "cfg"))
    s = Store(url)
    s.seed_if_empty()
    return s


def _file(tmp_path: Path, **kw: object) -> tuple[Path, dict[str, float], dict[str, int]]:
    data, dti, ranks = results_2025(**kw)  # type: ignore[arg-type]
    p = tmp_path / "DTI_2025_34.xlsx"
    p.write_bytes(data)
    return p, dti, ranks


def test_cli_contract_new_edition(store: Store, tmp_path: Path, capsys) -> None:
    f, dti, ranks = _file(tmp_path)
    # before declaring: refused, and the report says how to declare
    assert main(["validate", str(f), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "There is no DTI framework for 2025 yet" in err
    assert "python -m data framework declare --year 2025" in err
    # recovery: exact on a consistent file
    assert main(["framework", "infer", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["points"] == POINTS_2025 and out["points"] != {
        "awareness": 100,
        "institutions": 100,
        "infrastructure": 100,
        "human_resources": 100,
        "cybersecurity": 100,
        "gov_activity": 200,
        "econ_activity": 150,
        "soc_activity": 150,
    }
    assert out["rows_used"] == 34 and out["residual"] < 0.0001
    stamp = store.data_version()
    assert main(["framework", "infer", str(f), "--json"]) == 0  # writes nothing
    capsys.readouterr()
    assert store.data_version() == stamp
    # declare from the file, then the file validates and imports with no other option
    args = ["framework", "declare", "--year", "2025", "--unit-set", "34", "--from-file", str(f)]
    assert main([*args, "--basis", "Kết quả DTI 2025", "--user", "ana"]) == 0
    capsys.readouterr()
    assert main(["framework", "show", "--year", "2025", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "declared" and shown["points"] == {
        k: float(v) for k, v in POINTS_2025.items()
    }
    assert main(["validate", str(f)]) == 0
    assert main(["import", str(f), "--user", "ana"]) == 0
    capsys.readouterr()
    env = {**os.environ}
    got = subprocess.run(
        [sys.executable, "-m", "metrics", "rankings", "--year", "2025", "--unit-set", "34"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    table = {r["province"]: r for r in json.loads(got.stdout)}
    assert len(table) == 34
    assert {k: r["dti"] for k, r in table.items()} == dti
    assert {k: r["dti_rank"] for k, r in table.items()} == ranks  # ties included
    assert len(set(ranks.values())) < 34
    got = subprocess.run(
        [sys.executable, "-m", "metrics", "profile", "--province", "Hải Phòng", "--year",
         "2025", "--unit-set", "34", "--json", "--draws", "50"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    prof = json.loads(got.stdout)
    assert prof["dti"] == dti["Hải Phòng"] and prof["dti_rank"] == ranks["Hải Phòng"]
    assert prof["yoy"]["prev_edition"] == 2024 and prof["yoy"]["comparable"] is False


def test_forced_year_is_refused_naming_both_years(store: Store, tmp_path: Path, capsys) -> None:
    f, _, _ = _file(tmp_path)
    before = store.versions(2024, "63")
    stamp = store.data_version()
    assert main(["import", str(f), "--year", "2024", "--unit-set", "34", "--replace",
                 "--user", "x", "--lang", "en"]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "The chosen year (2024) differs from the year in the file's title (2025)" in err
    assert store.versions(2024, "63") == before and store.data_version() == stamp
    # confirmed: the year is taken, and then the 2024 framework decides (totals differ)
    assert main(["validate", str(f), "--year", "2024", "--override-year", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "YEAR_FORCED" not in err and "YEAR_OVERRIDDEN" in err and "TOTAL_MISMATCH" in err


def test_infer_refuses_an_underdetermined_file(store: Store, tmp_path: Path, capsys) -> None:
    f, _, _ = _file(tmp_path, rows=6)
    assert main(["framework", "infer", str(f), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "only 6 rows have every index and the total; at least 9 are needed" in err
    stamp = store.data_version()
    args = ["framework", "declare", "--year", "2025", "--unit-set", "34", "--from-file", str(f)]
    assert main([*args, "--basis", "b", "--user", "ana"]) == 1
    assert store.data_version() == stamp


@pytest.mark.parametrize(("year", "code"), [(2020, 0), (2025, 0), (2027, 0), (2019, 2), (2028, 2)])
def test_template_for_any_year(store: Store, tmp_path: Path, year: int, code: int) -> None:
    out = tmp_path / "t.xlsx"
    assert main(["template", "--year", str(year), "--unit-set", "34", "--out", str(out)]) == code
    assert out.exists() == (code == 0)
