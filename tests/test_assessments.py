"""The province's own assessments: workbooks of every layout built in code, checks located
by sheet and cell, import by CLI and service on SQLite and PostgreSQL, rankings with a
shared tie, lost points and self-vs-appraised gaps to the quarter point."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa
from assessment_fixtures import (
    DEPARTMENTS,
    LEAVES,
    MAIN,
    NODES,
    departments,
    per_unit_workbook,
    roman_workbook,
    summary_workbook,
    unit_columns_workbook,
)

from app.assessments import import_file, validate
from data.__main__ import main as data_main
from data.assessment_ingest import parse_assessment
from data.assessments_store import AssessmentStore
from data.store import Store, metadata
from metrics.__main__ import main as metrics_main
from metrics.assessment import (
    change_vs_previous,
    criteria_table,
    most_to_gain,
    profile,
    rank_units,
)

KEY = "so-nganh"


def dump(store: Store) -> dict[str, list]:
    """Every row of every table of the store (national and internal), sorted."""
    out = {}
    with store.engine.connect() as conn:
        for t in metadata.sorted_tables:
            out[t.name] = sorted((tuple(r) for r in conn.execute(sa.select(t)).all()), key=repr)
    return out


@pytest.fixture
def store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("DTI_DB_URL", db_url)
    s = Store(db_url)
    s.init()
    return s


def run_data(tmp_path, capsys, name: str, data: bytes, *extra: str) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    code = data_main([*extra[:1], str(path), *extra[1:]])
    out = capsys.readouterr()
    return code, out.out, out.err


def expected_ranks() -> dict[str, int]:
    totals = {d.name: d.total() for d in departments()}
    return {n: 1 + sum(v > totals[n] for v in totals.values()) for n in totals}


# --------------------------------------------------------------------------- CLI, both DBs


def test_cli_import_rank_profile_on_both_databases(store, tmp_path, capsys):
    wb = per_unit_workbook()
    before = dump(store)
    # Unknown units without --register-units: refused with suggestions, nothing stored.
    code, _, err = run_data(
        tmp_path, capsys, "hd.xlsx", wb, "import", "--assessment", KEY, "--year", "2025",
        "--user", "tester",
    )  # fmt: skip
    assert code == 1
    assert "UNKNOWN_UNIT" in err and "[TC!A3]" in err and "Sở Tài chính" in err
    assert dump(store) == before

    code, out, err = run_data(
        tmp_path, capsys, "hd.xlsx", wb, "import", "--assessment", KEY, "--year", "2025",
        "--register-units", "--title", "Chỉ số CĐS cấp sở", "--user", "tester",
    )  # fmt: skip
    assert code == 0, err
    assert "registered 6 units" in out and "version 1" in out

    # Rankings JSON: the contract's keys, a shared tie, scores to the quarter point.
    assert (
        metrics_main(["rankings", "--assessment", KEY, "--year", "2025", "--format", "json"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [set(r) for r in rows] == [
        {"unit", "unit_code", "score", "self_score", "max_points", "rank"}
    ] * 6
    depts = {d.name: d for d in departments()}
    ranks = expected_ranks()
    assert sorted(ranks.values()) == [1, 1, 3, 4, 5, 6]  # Sở Nội vụ and Sở Tư pháp tie
    by_name = {r["unit"]: r for r in rows}
    assert set(by_name) == set(DEPARTMENTS)
    for name, r in by_name.items():
        assert r["rank"] == ranks[name]
        assert r["score"] == depts[name].total("final")
        assert r["self_score"] == depts[name].total("self")
        assert r["max_points"] == 500.0
    assert by_name["Sở Nội vụ"]["rank"] == by_name["Sở Tư pháp"]["rank"] == 1
    assert by_name["Sở Nội vụ"]["score"] == 359.5
    assert by_name["Ban Quản lý các khu công nghiệp tỉnh"] == {
        "unit": "Ban Quản lý các khu công nghiệp tỉnh",
        "unit_code": "ban-quan-ly-cac-khu-cong-nghiep-tinh",
        "score": 328.0,
        "self_score": 335.0,
        "max_points": 500.0,
        "rank": 6,
    }

    # CSV: same rows.
    assert metrics_main(["rankings", "--assessment", KEY, "--year", "2025", "--format", "csv"]) == 0
    csv_lines = capsys.readouterr().out.strip().splitlines()
    assert csv_lines[0] == "unit,unit_code,score,self_score,max_points,rank"
    assert len(csv_lines) == 7

    # Profiles: lost points of every criterion and the gaps, exactly.
    for d in departments():
        assert (
            metrics_main(
                [
                    "profile",
                    "--assessment",
                    KEY,
                    "--unit",
                    d.name.upper(),
                    "--year",
                    "2025",
                    "--json",
                ]
            )
            == 0
        )
        prof = json.loads(capsys.readouterr().out)
        assert prof["score"] == d.total() and prof["rank"] == ranks[d.name]
        assert [x["code"] for x in prof["lost_points"]] == [leaf[0] for leaf in LEAVES]
        for x, (code, _p, label, mx) in zip(prof["lost_points"], LEAVES, strict=True):
            assert x == {
                "code": code,
                "label": label,
                "max_points": float(mx),
                "score": d.final(code),
                "lost": mx - d.final(code),
            }
        gaps = {
            c: d.self[c] - d.appraised[c]
            for c, *_ in LEAVES
            if d.appraised[c] is not None and d.self[c] != d.appraised[c]
        }
        assert {x["code"]: x["gap"] for x in prof["self_vs_appraised"]} == gaps
        assert gaps and all(g > 0 for g in gaps.values())
        for x in prof["self_vs_appraised"]:
            assert x["self_score"] - x["score"] == x["gap"]
            assert set(x) == {"code", "label", "self_score", "score", "gap"}
    # The tie: same total, different criteria.
    nv = criteria_table(*_stored(store), "so-noi-vu")
    tp = criteria_table(*_stored(store), "so-tu-phap")
    assert nv.set_index("code").loc["1.2", "lost"] != tp.set_index("code").loc["1.2", "lost"]
    # Sở Giáo dục và Đào tạo's 3.1 was not appraised: the self-assessment is its final score.
    gd = criteria_table(*_stored(store), "so-giao-duc-va-dao-tao").set_index("code")
    assert pd.isna(gd.loc["3.1", "appraised_score"])
    assert gd.loc["3.1", "score"] == gd.loc["3.1", "self_score"] == 16.0


def _stored(store: Store):
    data = AssessmentStore(store).load(KEY, 2025)
    assert data is not None
    return data.nodes, data.values


def test_service_import_publish_versions_rollback(store, tmp_path, capsys):
    a = AssessmentStore(store)
    wb = per_unit_workbook()
    out = import_file(store, wb, "hd.xlsx", KEY, 2025, user="cán bộ", register_units=True)
    assert out.stored is not None and out.stored.created
    assert out.stored.registered == [
        "so-tai-chinh", "so-noi-vu", "so-tu-phap", "so-y-te", "so-giao-duc-va-dao-tao",
        "ban-quan-ly-cac-khu-cong-nghiep-tinh",
    ]  # fmt: skip
    assert len(a.units(KEY)) == 6
    # Unpublished: not listed for viewers.
    assert a.editions() == []
    assert [e.year for e in a.editions(include_unpublished=True)] == [2025]
    stamp = store.data_version()
    assert data_main(["publish", "--assessment", KEY, "--year", "2025", "--user", "lãnh đạo"]) == 0
    assert store.data_version() != stamp
    assert [e.published for e in a.editions()] == [True]
    log = store.audit_log()
    assert "assessment_publish" in set(log["action"])
    assert "registry_units" in set(log["action"])
    assert log.iloc[0]["user"] == "lãnh đạo"
    # The same file again: nothing new.
    again = import_file(store, wb, "hd.xlsx", KEY, 2025, user="cán bộ")
    assert again.stored is not None and not again.stored.created
    # A corrected file: version 2, unpublished until published again.
    depts = departments()
    depts[0].appraised["1.1"] = 20.0
    wb2 = per_unit_workbook(depts)
    v2 = import_file(store, wb2, "hd_v2.xlsx", KEY, 2025, user="cán bộ")
    assert v2.stored is not None and v2.stored.version.number == 2
    assert a.editions() == []
    assert [v.number for v in a.versions(KEY, 2025)] == [1, 2]
    assert a.version_file(v2.stored.version.id) == ("hd_v2.xlsx", wb2)
    data = a.load(KEY, 2025)
    assert data is not None
    assert (
        rank_units(data.nodes, data.values, data.units)
        .set_index("unit_code")
        .loc["so-tai-chinh", "score"]
        == depts[0].total()
    )
    # Roll back by CLI.
    code = data_main(
        ["assessment-rollback", "--assessment", KEY, "--year", "2025", "--to", "1", "--user", "x"]
    )
    assert code == 0
    assert [v.current for v in a.versions(KEY, 2025)] == [True, False]
    assert data_main(["publish", "--assessment", KEY, "--year", "2024", "--user", "x"]) == 1
    capsys.readouterr()


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("kwargs", "code", "sheet", "cell", "vi_words", "en_words"),
    [
        (
            {"max_override": ("NV", "1", 55)},
            "MAX_SUM",
            "NV",
            "C6",
            ["điểm tối đa của chỉ số 1 là 55,00", "50,00"],
            ["maximum of 55.00", "add up to 50.00"],
        ),
        (
            {"score_override": ("Sở Y tế", "1.1", "appraised", 21)},
            "OVER_MAX",
            "Sở Y tế",
            "E7",
            ["21,00", "vượt điểm tối đa 20,00"],
            ["21.00 points exceed the maximum of 20.00"],
        ),
    ],
)
def test_wrong_maximum_or_over_maximum_refused_store_identical(
    store, tmp_path, capsys, kwargs, code, sheet, cell, vi_words, en_words
):
    import_file(store, per_unit_workbook(), "hd.xlsx", KEY, 2025, user="u", register_units=True)
    before = dump(store)
    bad = per_unit_workbook(**kwargs)
    rc, _, err = run_data(
        tmp_path, capsys, "bad.xlsx", bad, "import", "--assessment", KEY, "--year", "2025",
        "--user", "u",
    )  # fmt: skip
    assert rc == 1
    assert f"[{sheet}!{cell}] {code}" in err
    assert "refused: the store is unchanged" in err
    assert dump(store) == before
    res = validate(store, bad, "bad.xlsx", KEY, 2025, False)
    hits = [p for p in res.errors if p.code == code]
    assert len(hits) == 1 and (hits[0].sheet, hits[0].cell) == (sheet, cell)
    for w in vi_words:
        assert w in hits[0].message("vi")
    for w in en_words:
        assert w in hits[0].message("en")
    assert f'"{sheet}"' in hits[0].message("vi") and cell in hits[0].message("en")
    # validate --json writes nothing either and reports the same location.
    rc, out, _ = run_data(
        tmp_path, capsys, "bad.xlsx", bad, "validate", "--assessment", KEY, "--year", "2025",
        "--json", "--lang", "en",
    )  # fmt: skip
    assert rc == 1
    errs = json.loads(out)["errors"]
    assert {"sheet": sheet, "cell": cell} in [
        {"sheet": e["sheet"], "cell": e["cell"]} for e in errs
    ]
    assert dump(store) == before


def _errors(data: bytes, registry: pd.DataFrame | None = None) -> list[tuple[str, str, str]]:
    res = parse_assessment(data, "f.xlsx", registry=registry, register_units=True)
    for p in res.problems:  # every message is located, in both languages
        assert p.sheet and p.cell, p
        assert p.sheet in p.message("vi") and p.cell in p.message("en")
    return [(p.code, p.sheet or "", p.cell or "") for p in res.errors]


def test_each_check_is_located():
    flat = {"parent_scores": False, "total_row": False}
    assert _errors(per_unit_workbook(score_override=("TC", "2.1", "self", "đạt"), **flat)) == [
        ("NOT_NUMBER", "TC", "D11")
    ]
    assert _errors(per_unit_workbook(score_override=("TC", "2.1", "appraised", -1), **flat)) == [
        ("NEGATIVE", "TC", "E11")
    ]
    # With parent and total rows, a changed criterion also breaks their sums.
    assert _errors(per_unit_workbook(score_override=("TC", "2.1", "appraised", -1))) == [
        ("NEGATIVE", "TC", "E11"),
        ("PARENT_SUM", "TC", "E10"),
        ("TOTAL_MISMATCH", "TC", "E29"),
    ]
    # A parent row that disagrees with its criteria.
    assert _errors(per_unit_workbook(score_override=("GDĐT", "2", "self", 40))) == [
        ("PARENT_SUM", "GDĐT", "D10")
    ]
    assert _errors(per_unit_workbook()) == []
    # A criterion missing from one unit's sheet that the others have (its index's maximum
    # no longer adds up either).
    assert _errors(per_unit_workbook(drop=("BQL KCN", "4.2"), **flat)) == [
        ("MAX_SUM", "BQL KCN", "C16"),
        ("MISSING_CRITERION", "BQL KCN", "A5"),
    ]
    # A unit twice (two sheets titled with the same unit).
    twice = departments()
    twice[1].name = "Sở Tài chính"
    assert _errors(per_unit_workbook(twice)) == [("DUPLICATE_UNIT", "NV", "A3")]


def test_total_row_mismatch_located():
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(per_unit_workbook()))
    ws = wb["TP"]
    last = ws.max_row
    assert ws.cell(last, 1).value == "TỔNG ĐIỂM"
    ws.cell(last, 5).value = 300
    buf = io.BytesIO()
    wb.save(buf)
    assert _errors(buf.getvalue()) == [("TOTAL_MISMATCH", "TP", f"E{last}")]


def test_unknown_unit_suggests_registered_names():
    reg = pd.DataFrame(
        {
            "code": ["so-tai-chinh-x"],
            "name_vi": ["Sở Tài Chính"],
            "name_en": ["Department of Finance"],
            "kind": ["so_ban_nganh"],
        }
    )
    depts = departments()[:2]
    depts[1].name = "Sở Tài chín"
    res = parse_assessment(per_unit_workbook(depts), "f.xlsx", registry=reg)
    unknown = [p for p in res.errors if p.code == "UNKNOWN_UNIT"]
    assert [(p.sheet, p.cell, p.subject) for p in unknown] == [("NV", "A3", "Sở Tài chín")]
    assert "Sở Tài Chính" in unknown[0].message("en")
    # The known unit resolved to its registered code, whatever the case.
    assert "so-tai-chinh-x" in set(res.values["unit_code"])


# --------------------------------------------------------------------------- layouts


def _totals(data: bytes) -> dict[str, float]:
    res = parse_assessment(data, "f.xlsx", register_units=True)
    assert res.ok, [p.message_en for p in res.problems]
    r = rank_units(res.nodes, res.values, res.new_units)
    return dict(zip(r["unit"], r["score"], strict=True))


def test_every_layout_gives_the_same_totals():
    want = {d.name: d.total() for d in departments()}
    assert _totals(per_unit_workbook()) == want
    assert (
        _totals(per_unit_workbook(order=("appraised", "notes", "max", "stt", "self", "label")))
        == want
    )
    assert _totals(per_unit_workbook(parent_scores=False, total_row=False)) == want
    assert _totals(unit_columns_workbook()) == want
    assert _totals(unit_columns_workbook(two_kinds=True)) == want
    assert _totals(summary_workbook()) == want
    assert _totals(summary_workbook(max_row=True)) == want


def test_layout_trees_and_kinds():
    res = parse_assessment(per_unit_workbook(), "f.xlsx", register_units=True)
    assert res.layout == "per_unit"
    assert list(res.nodes["code"]) == [n[0] for n in NODES]
    assert dict(zip(res.nodes["code"], res.nodes["parent_code"], strict=True))["6.1.2"] == "6.1"
    assert set(res.values["kind"]) == {"self", "appraised", "final"}
    cols = parse_assessment(unit_columns_workbook(), "f.xlsx", register_units=True)
    assert cols.layout == "unit_columns" and set(cols.values["kind"]) == {"final"}
    two = parse_assessment(unit_columns_workbook(two_kinds=True), "f.xlsx", register_units=True)
    assert set(two.values["kind"]) == {"self", "appraised", "final"}
    s = parse_assessment(summary_workbook(), "f.xlsx", register_units=True)
    assert s.layout == "summary"
    assert list(s.nodes["label_vi"]) == [m[1] for m in MAIN]
    assert list(s.nodes["max_points"]) == [float(m[2]) for m in MAIN]
    bad = parse_assessment(summary_workbook(bad_total=True), "f.xlsx", register_units=True)
    assert [(p.code, p.sheet, p.cell) for p in bad.errors] == [("TOTAL_MISMATCH", "Xếp hạng", "I3")]


def test_roman_and_letter_numbering():
    res = parse_assessment(roman_workbook(), "f.xlsx", register_units=True)
    assert res.ok, [p.message_en for p in res.problems]
    tree = dict(zip(res.nodes["code"], res.nodes["parent_code"], strict=True))
    assert tree == {
        "I": None,
        "I.1": "I",
        "I.1.a": "I.1",
        "I.1.b": "I.1",
        "I.2": "I",
        "II": None,
        "II.1": "II",
    }
    assert set(res.new_units["kind"]) == {"xa", "phuong"}
    r = rank_units(res.nodes, res.values, res.new_units).set_index("unit")
    # final = appraised: 7.5 + 8.25 + 5.5 + 12 = 33.25 for both communes (a tie).
    assert list(r["score"]) == [33.25, 33.25] and list(r["rank"]) == [1, 1]
    assert r.loc["Xã Tân Hồng", "self_score"] == 40.0
    assert r.loc["Phường Việt Hòa", "self_score"] == 39.0


# --------------------------------------------------------------------------- metrics


def test_metrics_change_and_gains():
    res = parse_assessment(per_unit_workbook(), "f.xlsx", register_units=True)
    cur = rank_units(res.nodes, res.values, res.new_units)
    prev = cur.copy()
    prev["score"] = prev["score"] - [10.0, 0.0, 0.0, 5.25, 0.0, 0.0]
    prev["rank"] = [1, 2, 3, 4, 5, 6]
    ch = change_vs_previous(cur, prev).set_index("unit_code")
    first = cur.iloc[0]["unit_code"]
    assert ch.loc[first, "score_change"] == 10.0
    assert ch.loc[first, "rank_change"] == 0
    assert ch.loc[cur.iloc[3]["unit_code"], "score_change"] == 5.25
    crit = criteria_table(res.nodes, res.values, "so-tai-chinh")
    top = most_to_gain(crit, 3)
    assert list(top["lost"]) == sorted(crit["lost"], reverse=True)[:3]
    prof = profile(res.nodes, res.values, res.new_units, "so-tai-chinh", "en")
    assert [m["code"] for m in prof["main_indices"]] == [m[0] for m in MAIN]
    assert sum(m["lost"] for m in prof["main_indices"]) == 500 - prof["score"]


# --------------------------------------------------------------------------- registries


def test_registry_from_a_list_file_then_import_without_registering(store, tmp_path, capsys):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    ws.append(["DANH MỤC CƠ QUAN, ĐƠN VỊ"])
    ws.append(["Loại", "Tên đơn vị", "Mã", "Tên tiếng Anh"])
    for name, code, en in (
        ("Sở Tài chính", "STC", "Department of Finance"),
        ("Sở Nội vụ", "SNV", "Department of Home Affairs"),
        ("Sở Tư pháp", "", None),
        ("Sở Y tế", "SYT", None),
        ("Sở Giáo dục và Đào tạo", "SGDDT", None),
        ("Ban Quản lý các khu công nghiệp tỉnh", "BQL", None),
    ):
        ws.append(["Sở, ban, ngành" if name.startswith("Sở") else "", name, code, en])
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "units.xlsx"
    path.write_bytes(buf.getvalue())
    code = data_main(["units", "--assessment", KEY, "--from", str(path), "--user", "it"])
    assert code == 0, capsys.readouterr().err
    assert "registered 6 units" in capsys.readouterr().out
    units = AssessmentStore(store).units(KEY).set_index("code")
    assert units.loc["STC", "name_en"] == "Department of Finance"
    assert units.loc["so-tu-phap", "kind"] == "so_ban_nganh"  # the slug when no code
    assert units.loc["BQL", "kind"] == "so_ban_nganh"  # read from the name ("Ban …")
    assert "registry_units" in set(store.audit_log()["action"])
    # The same list again: nothing new, no new registry version.
    assert data_main(["units", "--assessment", KEY, "--from", str(path), "--user", "it"]) == 0
    assert "registered 0 units" in capsys.readouterr().out
    # A workbook of these units now imports without --register-units, on their codes.
    out = import_file(store, per_unit_workbook(), "hd.xlsx", KEY, 2025, user="it")
    assert out.stored is not None
    assert set(out.result.values["unit_code"]) == {
        "STC",
        "SNV",
        "so-tu-phap",
        "SYT",
        "SGDDT",
        "BQL",
    }
    # English names resolve a profile too.
    assert data_main(["publish", "--assessment", KEY, "--year", "2025", "--user", "it"]) == 0
    capsys.readouterr()
    assert (
        metrics_main(
            [
                "profile",
                "--assessment",
                KEY,
                "--unit",
                "department of finance",
                "--year",
                "2025",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["unit_code"] == "STC"
    # An unknown unit in the profile: exit 1 with the closest names.
    assert (
        metrics_main(
            ["profile", "--assessment", KEY, "--unit", "Sở Tài chín", "--year", "2025", "--json"]
        )
        == 1
    )
    assert "Sở Tài chính" in capsys.readouterr().err


def test_province_component_level_file_lost_points_and_gaps():
    """The province's own DTI at component level: one unit (the province), its
    self-assessment and the ministry's scores; the same lost-points and gap analysis."""
    prov = departments()[:1]
    prov[0].name = "Tỉnh Hải Dương"
    res = parse_assessment(per_unit_workbook(prov), "pdti.xlsx", register_units=True)
    assert res.ok and list(res.new_units["name_vi"]) == ["Tỉnh Hải Dương"]
    p = profile(res.nodes, res.values, res.new_units, res.new_units["code"][0])
    assert p["rank"] == 1 and p["n"] == 1 and p["max_points"] == 500.0
    d = prov[0]
    assert sum(x["lost"] for x in p["lost_points"]) == 500 - d.total()
    assert sum(x["gap"] for x in p["self_vs_appraised"]) == d.total("self") - d.total()


def test_summary_without_maxima_uses_the_stored_framework(store):
    from metrics.assessment import comparable

    bare = summary_workbook(no_max=True)
    res = validate(store, bare, "xh.xlsx", KEY, 2025, True)
    assert [(p.code, p.cell) for p in res.errors][:2] == [("NO_MAX", "C2"), ("NO_MAX", "D2")]
    # Once the assessment has a stored tree (2024, criterion level), the summary of 2025
    # takes its main indices' maxima and codes by name, and the two years compare.
    depts = departments()
    import_file(
        store, per_unit_workbook(depts), "hd.xlsx", KEY, 2024, user="u", register_units=True
    )
    out = import_file(store, bare, "xh.xlsx", KEY, 2025, user="u")
    assert out.stored is not None, [p.message_en for p in out.result.problems]
    a = AssessmentStore(store)
    y24, y25 = a.load(KEY, 2024), a.load(KEY, 2025)
    assert y24 is not None and y25 is not None
    assert list(y25.nodes["max_points"]) == [float(m[2]) for m in MAIN]
    assert list(y25.nodes["code"]) == [m[0] for m in MAIN]
    assert comparable(y25.nodes, y24.nodes)
    r = rank_units(y25.nodes, y25.values, y25.units).set_index("unit_code")
    assert r.loc["so-noi-vu", "score"] == 359.5 and pd.isna(r.loc["so-noi-vu", "self_score"])


def test_cli_exit_codes_usage_and_unreadable(store, tmp_path, capsys):
    before = dump(store)
    # A missing file, a PDF named .xlsx: unreadable -> 2.
    assert (
        data_main(
            [
                "import",
                str(tmp_path / "none.xlsx"),
                "--assessment",
                KEY,
                "--year",
                "2025",
                "--user",
                "u",
            ]
        )
        == 2
    )
    rc, _, err = run_data(
        tmp_path, capsys, "fake.xlsx", b"%PDF-1.4 not a workbook", "validate", "--assessment", KEY,
        "--year", "2025",
    )  # fmt: skip
    assert rc == 2 and "WRONG_TYPE" in err
    # A bad key or year, a missing --year: usage -> 2.
    wb = per_unit_workbook()
    rc, _, err = run_data(
        tmp_path, capsys, "hd.xlsx", wb, "validate", "--assessment", "Sở Ngành", "--year", "2025"
    )
    assert rc == 2 and "slug" in err
    rc, _, _ = run_data(
        tmp_path, capsys, "hd.xlsx", wb, "validate", "--assessment", KEY, "--year", "1999"
    )
    assert rc == 2
    rc, _, err = run_data(tmp_path, capsys, "hd.xlsx", wb, "validate", "--assessment", KEY)
    assert rc == 2 and "--year" in err
    # Valid with --register-units: 0, and still nothing written by validate.
    rc, out, _ = run_data(
        tmp_path, capsys, "hd.xlsx", wb, "validate", "--assessment", KEY, "--year", "2025",
        "--register-units",
    )  # fmt: skip
    assert rc == 0 and "would register" in out
    # Metrics on a missing edition: 1.
    assert metrics_main(["rankings", "--assessment", KEY, "--year", "2025"]) == 1
    assert dump(store) == before


def test_uncalculated_formula_is_refused_with_its_cell():
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(per_unit_workbook()))
    ws = wb["TC"]
    ws["D6"] = "=SUM(D7:D9)"  # written by a program, never calculated: no cached value
    buf = io.BytesIO()
    wb.save(buf)
    res = parse_assessment(buf.getvalue(), "f.xlsx", register_units=True)
    hits = [(p.code, p.sheet, p.cell) for p in res.errors]
    assert ("FORMULA_NO_VALUE", "TC", "D6") in hits
    assert not res.ok


@pytest.mark.parametrize(
    "make",
    [
        lambda: unit_columns_workbook(),
        lambda: unit_columns_workbook(two_kinds=True),
        lambda: summary_workbook(),
        lambda: roman_workbook(),
    ],
    ids=["unit_columns", "unit_columns_two_kinds", "summary", "roman"],
)
def test_every_layout_stores_and_ranks_on_both_databases(store, make):
    data = make()
    parsed = parse_assessment(data, "f.xlsx", register_units=True)
    want = rank_units(parsed.nodes, parsed.values, parsed.new_units)
    out = import_file(store, data, "f.xlsx", KEY, 2025, user="u", register_units=True)
    assert out.stored is not None and out.stored.version.layout == parsed.layout
    got = AssessmentStore(store).load(KEY, 2025)
    assert got is not None
    ranked = rank_units(got.nodes, got.values, got.units)
    cols = ["unit", "unit_code", "score", "self_score", "max_points", "rank"]
    pd.testing.assert_frame_equal(ranked[cols], want[cols], check_dtype=False)
    assert list(got.nodes["code"]) == list(parsed.nodes["code"])
