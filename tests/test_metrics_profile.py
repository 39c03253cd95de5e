"""The profile on the bundled data, and `python -m metrics` on a temp SQLite store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.profile import build_profile

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ds():
    from app.dataset import build_dataset
    from data.store import load_bundle

    return build_dataset(load_bundle())


def test_profile_hai_duong_2023_is_consistent(ds) -> None:
    p = build_profile(ds, "30", 2023, draws=300)
    r = ds.ranked[
        (ds.ranked["edition"] == 2023)
        & (ds.ranked["unit_set"] == "63")
        & (ds.ranked["indicator"] == "dti")
    ].set_index("province_code")
    assert p["dti"] == r.at["30", "score"] and p["dti_rank"] == r.at["30", "rank"]
    assert p["region_code"] == "DBSH" and p["region_n"] == 11
    assert set(p["pillars"]) == {"gov", "econ", "soc"}
    y = p["yoy"]
    assert y["comparable"] and y["prev_edition"] == 2022
    total = sum(y["contributions"].values()) + y["rounding"]
    assert total == pytest.approx(y["dti_change"], abs=1e-5)
    assert y["own_effect"] + y["others_effect"] == y["rank_change"]
    assert len(y["we_overtook"]) - len(y["overtook_us"]) == y["rank_change"]
    lo, hi = p["rank_interval_90"]
    assert lo <= p["dti_rank"] <= hi
    above = r[r["score"] > p["dti"]]["score"].min()
    assert p["gap_to_next_rank"] == pytest.approx(above - p["dti"])
    assert p["gap_to_leader"] == pytest.approx(r["score"].max() - p["dti"])
    assert p["tier"] == 1 + (4 * (p["dti_rank"] - 1)) // 63
    assert "Hải Dương" in p["peers"]["region"]
    t = p["target"]
    assert t["rank"] == 10 and t["feasible"]
    assert (r.drop("30")["score"] > t["score"]).sum() <= 9


def test_profile_across_framework_break_not_computed(ds) -> None:
    p = build_profile(ds, "30", 2021, draws=100)
    assert p["yoy"]["comparable"] is False
    assert p["yoy"]["dti_change"] is None and p["yoy"]["contributions"] == {}
    assert p["yoy"]["own_effect"] is None
    assert p["yoy"]["rank_change"] is not None


def _run(args: list[str], db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DTI_DB_URL": f"sqlite:///{db}"}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_profile_json_and_errors(tmp_path: Path) -> None:
    db = tmp_path / "dti.sqlite"
    res = _run(
        ["profile", "--province", "Hai Duong", "--year", "2023", "--draws", "200", "--json"], db
    )
    assert res.returncode == 0, res.stderr
    p = json.loads(res.stdout)
    for key in (
        "province",
        "province_code",
        "year",
        "dti",
        "dti_rank",
        "pillars",
        "region",
        "region_rank",
        "yoy",
        "gap_to_next_rank",
        "gap_to_leader",
        "strengths",
        "weaknesses",
        "rank_interval_90",
        "tier",
        "percentile",
        "peers",
        "target",
    ):
        assert key in p
    assert p["province"] == "Hải Dương" and p["province_code"] == "30" and p["year"] == 2023
    assert set(p["yoy"]) >= {"dti_change", "rank_change", "contributions"}
    assert set(p["pillars"]["gov"]) == {"score", "rank"}

    bad = _run(["profile", "--province", "Hai Duongg", "--year", "2023"], db)
    assert bad.returncode == 1 and "Hải Dương" in bad.stderr

    hp = _run(
        [
            "profile",
            "--province",
            "Hải Phòng",
            "--year",
            "2024",
            "--unit-set",
            "34",
            "--draws",
            "100",
            "--json",
        ],
        db,
    )
    assert hp.returncode == 0, hp.stderr
    assert json.loads(hp.stdout)["dti"] == 0.7857

    for measure in ("gov", "soc_activity"):
        rk = _run(["rankings", "--year", "2023", "--measure", measure], db)
        assert rk.returncode == 0, rk.stderr
        rows = json.loads(rk.stdout)
        assert len(rows) == 63 and rows[0][f"{measure}_rank"] == 1


def test_profile_with_precomputed_intervals_is_the_same(ds) -> None:
    # The page runs the Monte Carlo once per edition and unit set and passes it in.
    from metrics.uncertainty import edition_rank_intervals

    iv = edition_rank_intervals(ds.scores, ds.frameworks[2023], "63", draws=300)
    alone = build_profile(ds, "30", 2023, draws=300)
    given = build_profile(ds, "30", 2023, draws=300, intervals=iv)
    assert given == alone
    assert given["rank_interval_90"] is not None and len(given["statistically_tied"]) > 0


def test_profile_is_a_typed_record_that_still_reads_like_the_dict(ds) -> None:
    from domain.profile import Profile, YearOnYear

    p = build_profile(ds, "30", 2023, draws=100)
    assert isinstance(p, Profile) and isinstance(p.yoy, YearOnYear)
    assert p.dti_rank == p["dti_rank"] and p.yoy.prev_edition == p["yoy"]["prev_edition"] == 2022
    assert dict(p)["pillars"]["gov"]["rank"] == p.pillars["gov"].rank
    assert list(p.as_json())[:4] == ["province", "province_code", "unit_set", "year"]
    assert p.as_json()["yoy"]["prev_edition"] == 2022
