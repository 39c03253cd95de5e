"""Frameworks live in the store: seeded, declared, replaced, validated, audited (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from edition_fixtures import results_2025

from app import declare as d
from data import frameworks as f
from data.__main__ import main
from data.store import Store
from metrics.recovery import RecoveryError, recover_points
from metrics.scoring import round4

NEW_POINTS = {
    "awareness": 120,
    "institutions": 80,
    "infrastructure": 100,
    "human_resources": 90,
    "cybersecurity": 110,
    "gov_activity": 200,
    "econ_activity": 150,
    "soc_activity": 150,
}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    url = f"sqlite:///{tmp_path / 'fw.db'}"
    monkeypatch.setenv("DTI_DB_URL", url)
    s = Store(url)
    s.init()
    return s


def test_seed_is_stored_versioned_and_audited(store: Store) -> None:
    fws = f.stored_frameworks(store)
    assert sorted(fws) == [
        (2020, "63"),
        (2021, "63"),
        (2022, "63"),
        (2023, "63"),
        (2024, "34"),
        (2024, "63"),
    ]
    assert fws[(2022, "63")].status == "official" and fws[(2022, "63")].number == 1
    assert fws[(2024, "34")].assumed and fws[(2024, "63")].assumed
    assert fws[(2022, "63")].points["gov_activity"] == 200
    log = store.audit_log()
    assert (log["action"] == "framework_seed").sum() == 6
    # the default reader (DTI_DB_URL) sees the same
    assert f.editions() == [2020, 2021, 2022, 2023, 2024]
    # init again does not seed twice
    store.init()
    assert (store.audit_log()["action"] == "framework_seed").sum() == 6


def test_reading_a_missing_database_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    s = Store(f"sqlite:///{db}")
    assert f.framework(2022, store=s).points["awareness"] == 100
    assert not db.exists()


def test_declare_like_makes_a_new_edition_everywhere(store: Store) -> None:
    fw = d.like(2024, 2025, basis="QĐ mới (chưa công bố điểm)")
    stamp = store.data_version()
    [got] = f.declare(store, fw, "34", user="ana")
    assert store.data_version() != stamp
    assert (got.edition, got.unit_set, got.number, got.status) == (2025, "34", 1, "declared")
    assert f.editions() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert (2025, "34") in f.edition_unit_sets() and (2025, "63") not in f.edition_unit_sets()
    line = f.framework(2025).basis_line("en")
    assert line.startswith("declared by ana on ") and line.endswith(": QĐ mới (chưa công bố điểm)")
    # declared counts as the Department's statement, assumed never does
    assert not f.framework(2025).comparable_with(f.framework(2024))  # 2024 is assumed
    row = store.audit_log().iloc[0]
    assert (row["action"], row["user"], row["edition"], row["unit_set"]) == (
        "framework_declare",
        "ana",
        2025,
        "34",
    )


def test_existing_framework_needs_replace_and_store_is_unchanged(store: Store) -> None:
    stamp = store.data_version()
    with pytest.raises(f.FrameworkError) as exc:
        f.declare(store, d.like(2023, 2024, basis="x"), "63", user="ana")
    assert "DTI 2024 (63): 2024 already has a framework (assumed)" in str(exc.value)
    assert "năm 2024 đã có khung chỉ số" in exc.value.messages("vi")[0]
    assert store.data_version() == stamp
    assert f.framework(2024, "63", store=store).number == 1


def test_replacing_the_assumed_2024_framework(store: Store) -> None:
    official = d.from_points(2024, NEW_POINTS, basis="QĐ 405/QĐ-BKHCN phụ lục")
    out = f.declare(store, official, "63", user="binh", replace_existing=True)
    # an edition has one framework: both unit sets are replaced, each a new version
    assert sorted((x.unit_set, x.number) for x in out) == [("34", 2), ("63", 2)]
    fw = f.framework(2024)
    assert fw.status == "declared" and not fw.assumed
    assert fw.points == {k: float(v) for k, v in NEW_POINTS.items()}
    assert not fw.comparable_with(f.framework(2023))  # other points
    hist = f.framework_history(store, 2024, "63")
    assert [(h["number"], h["status"], h["current"]) for h in hist] == [
        (1, "assumed", False),
        (2, "declared", True),
    ]
    log = store.audit_log()
    rep = log[log["action"] == "framework_replace"]
    assert set(rep["user"]) == {"binh"} and len(rep) == 2
    detail = json.loads(rep.iloc[0]["detail"])
    assert detail["replaced"]["status"] == "assumed" and detail["points"]["awareness"] == 120
    # the same points as 2023, declared: now comparable with 2023
    same = d.like(2023, 2024, basis="QĐ 405 giữ điểm QĐ 922")
    f.declare(store, same, "63", user="binh", replace_existing=True)
    assert f.framework(2024).comparable_with(f.framework(2023))


def test_new_edition_for_another_unit_set_must_agree(store: Store) -> None:
    f.declare(store, d.from_points(2025, NEW_POINTS, basis="b"), "34", user="a")
    with pytest.raises(f.FrameworkError, match="an edition has one framework"):
        f.declare(store, d.like(2024, 2025, basis="b"), "63", user="a")


def test_validation_messages_are_located(tmp_path: Path) -> None:
    text = (
        "edition,indicator,group,points,pillars,label_vi,label_en,status,basis\n"
        "2025,awareness,foundation,100,gov|econ|soc,Nhận thức số,Digital awareness,,\n"
        "2025,gov_activity,activity,-5,gov|econ,Hoạt động CQS,Gov activity,,\n"
        "2025,econ_activity,activity,300,econ,KTS,Econ,,\n"
        "2025,soc_activity,activity,300,soc,XHS,Soc,,\n"
        "2025,Trí tuệ,activity,10,soc,,,,\n"
        "2025,dti,total,1000,,DTI,DTI,,\n"
    )
    with pytest.raises(f.FrameworkError) as exc:
        d.from_csv(text, "fw.csv", 2025, basis="b")
    msgs = exc.value.messages("en")
    assert "fw.csv:3 (gov_activity): points -5 must be greater than 0" in msgs[0]
    assert any(m.startswith("fw.csv:3 (gov_activity): an activity index must belong") for m in msgs)
    assert any(
        m.startswith('fw.csv:6 (Trí tuệ): indicator code "Trí tuệ" is unknown') for m in msgs
    )
    assert any(m.startswith("fw.csv:7 (dti): the total 1000 differs from the sum") for m in msgs)
    assert all(exc.value.messages("vi"))


def test_declared_new_index(store: Store) -> None:
    fw = d.from_points(
        2025,
        {**NEW_POINTS, "gov_activity": 150, "ai": 50},
        basis="b",
        new={"ai": {"label_vi": "Trí tuệ nhân tạo", "label_en": "AI", "pillar": "gov"}},
    )
    assert fw.points["ai"] == 50 and fw.total_points == 1000
    assert fw.weights("gov")["ai"] == 50
    f.declare(store, fw, "34", user="a")
    assert "ai" in f.indicator_codes()
    assert f.framework(2025).get("ai").label("en") == "AI"


# --------------------------------------------------------------------------- recovery


def _results(points: dict[str, float], n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    wide = pd.DataFrame({c: round4(rng.uniform(0.3, 1.0, n)) for c in points})
    wide["dti"] = round4(sum(wide[c] * p for c, p in points.items()) / sum(points.values()))
    wide["province_code"] = [f"{i + 1:02d}" for i in range(n)]
    return wide


@pytest.mark.parametrize("n", [34, 63])
def test_recovery_is_exact_on_consistent_files(n: int) -> None:
    rec = recover_points(_results(NEW_POINTS, n), list(NEW_POINTS), unit="province_code")
    assert rec.points == NEW_POINTS
    assert rec.rows_used == n and rec.exact and rec.residual < 0.0001
    assert len(rec.worst) == 5 and set(rec.worst.columns) == {"unit", "total", "fitted", "residual"}


def test_recovery_scales_to_the_total_points() -> None:
    rec = recover_points(_results(NEW_POINTS, 34), list(NEW_POINTS), total_points=500)
    assert rec.points == {k: v // 2 for k, v in NEW_POINTS.items()}
    assert sum(rec.points.values()) == 500


def test_recovery_refuses_underdetermined_files() -> None:
    wide = _results(NEW_POINTS, 34)
    with pytest.raises(RecoveryError) as exc:
        recover_points(wide.head(8), list(NEW_POINTS))
    assert (exc.value.reason, exc.value.params["needed"]) == ("too_few_rows", 9)
    wide["copy"] = wide["awareness"] * 2
    with pytest.raises(RecoveryError) as exc:
        recover_points(wide, [*NEW_POINTS, "copy"])
    assert exc.value.reason == "collinear"
    with pytest.raises(RecoveryError) as exc:
        recover_points(wide.drop(columns="dti"), list(NEW_POINTS))
    assert exc.value.reason == "no_total"
    msg = d.recovery_message(exc.value, "en")
    assert "no total column" in msg and "cannot be determined" in msg
    # incomplete rows are left out, not guessed
    wide2 = _results(NEW_POINTS, 34)
    wide2.loc[:26, "awareness"] = np.nan
    with pytest.raises(RecoveryError, match="too_few_rows"):
        recover_points(wide2, list(NEW_POINTS))


# --------------------------------------------------------------------------- CLI


def test_cli_show_and_declare(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["framework", "show", "--year", "2024", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "assumed" and out["points"]["gov_activity"] == 200
    assert out["basis"].startswith("assumed: QĐ 922 points carried over")
    assert main(["framework", "show", "--year", "2025", "--json", "--lang", "en"]) == 1
    assert "2025 has no DTI framework" in capsys.readouterr().err
    args = ["framework", "declare", "--year", "2025", "--unit-set", "34", "--like", "2024"]
    assert main([*args, "--basis", "như 2024", "--user", "ana"]) == 0
    assert "framework 2025 (34) version 1: declared" in capsys.readouterr().out
    assert main([*args, "--basis", "như 2024", "--user", "ana", "--lang", "en"]) == 1  # exists
    err = capsys.readouterr().err
    assert "2025 already has a framework (declared)" in err and "store is unchanged" in err
    csv_path = tmp_path / "fw.csv"
    csv_path.write_text(f.to_csv(d.from_points(2025, NEW_POINTS, basis="x")), encoding="utf-8")
    args = ["framework", "declare", "--year", "2025", "--unit-set", "34", "--file", str(csv_path)]
    assert main([*args, "--basis", "QĐ 2025", "--user", "ana", "--replace"]) == 0
    capsys.readouterr()
    assert main(["framework", "show", "--year", "2025", "--unit-set", "34", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "declared" and out["points"]["awareness"] == 120
    assert out["basis"].startswith("declared by ana on ") and out["basis"].endswith(": QĐ 2025")
    with pytest.raises(SystemExit) as exc:
        main(["framework", "declare", "--year", "2025", "--unit-set", "34", "--basis", "b"])
    assert exc.value.code == 2


def test_framework_and_upload_are_one_transaction(db_url: str, monkeypatch) -> None:
    """SQLite and a real PostgreSQL: a declared framework is stored with its file, and when
    the framework is refused nothing of the file is stored either."""
    from data.ingest import import_result, parse

    monkeypatch.setenv("DTI_DB_URL", db_url)
    s = Store(db_url)
    s.seed_if_empty()
    data, dti, _ = results_2025()
    fw = d.from_points(2025, NEW_POINTS, basis="b")
    res = parse(data, "DTI_2025_34.xlsx", framework=fw, use_saved_mappings=False)
    assert res.ok, [p.message("en") for p in res.errors]
    # someone declared 2025 (34) meanwhile, with other points: the upload's declaration is
    # refused and its values are not stored
    f.declare(s, d.like(2024, 2025, basis="other"), "34", user="x")
    stamp = s.data_version()
    with pytest.raises(f.FrameworkError, match="already has a framework"):
        import_result(s, res, data, user="ana", framework=fw)
    assert s.versions(2025, "34") == [] and s.data_version() == stamp
    # with the replacement confirmed, both land together
    out = import_result(s, res, data, user="ana", framework=fw, replace_framework=True)
    assert out.version is not None and out.version.number == 1
    assert f.framework(2025, "34", store=s).points["awareness"] == 120
    v = s.load_values()
    got = v[(v["edition"] == 2025) & (v["indicator"] == "dti")]
    assert len(got) == 34 and sorted(got["value"]) == sorted(dti.values())
