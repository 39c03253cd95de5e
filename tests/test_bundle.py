"""The bundled data: complete, formula-consistent, provenance kept, and every published
figure reproduced by store + metrics."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from app.dataset import build_dataset
from data.frameworks import framework
from data.provinces import predecessors, provinces, resolve
from data.store import Store, load_bundle, load_published
from metrics.provenance import kind_of
from metrics.scoring import round4
from tools.build_published import OBS_FIELDS

REPO = Path(__file__).resolve().parents[1]
REF = REPO.parent / "shared" / "reference" / "dti"


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


@pytest.fixture(scope="module")
def stored_dataset(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'dti.db'}"
    s = Store(url)
    s.seed_if_empty()
    return build_dataset(s.load_values(), s.data_version())


def test_complete_for_every_edition_and_unit_set(bundle):
    for edition, unit_set in [
        (2020, "63"),
        (2021, "63"),
        (2022, "63"),
        (2023, "63"),
        (2024, "63"),
        (2024, "34"),
    ]:
        part = bundle[(bundle["edition"] == edition) & (bundle["unit_set"] == unit_set)]
        inputs = framework(edition).inputs
        got = part[part["indicator"].isin(inputs)]
        assert len(got) == int(unit_set) * len(inputs), (edition, unit_set)
        assert got["value"].notna().all()
        assert set(got["province_code"]) == {p.code for p in provinces(unit_set)}


def test_every_value_has_provenance_and_illustrative_is_marked(bundle):
    kinds = bundle["source"].map(kind_of)
    assert kinds.notna().all()
    assert set(kinds) == {"published", "illustrative"}
    pub = load_published()
    scores = pub[pub["kind"] == "score"]
    key = ["edition", "unit_set", "province_code", "indicator"]
    merged = scores.merge(bundle, on=key, suffixes=("_pub", ""))
    assert len(merged) == len(scores)  # every published score is stored, with its URL
    assert (merged["value"] == merged["value_pub"]).all()
    assert (merged["source"] == merged["source_pub"]).all()
    # and nothing that is not a published figure claims a URL
    b = bundle.merge(scores[key], on=key, how="left", indicator=True)
    assert (b.loc[b["_merge"] == "left_only", "source"] == "illustrative").all()


def test_34_group_is_the_rounded_mean_of_predecessors(bundle):
    b = bundle[bundle["edition"] == 2024].set_index(["unit_set", "province_code", "indicator"])
    for unit in provinces("34"):
        for ind in framework(2024).inputs:
            mean = sum(b.loc[("63", p, ind), "value"] for p in predecessors(unit.code)) / len(
                predecessors(unit.code)
            )
            assert b.loc[("34", unit.code, ind), "value"] == round4(mean), (unit.code, ind)


def test_published_csv_holds_every_reference_figure():
    """Every figure of ../shared/reference/dti (the old CSVs, the long observation file and
    observations_2026.csv) is in published.csv with the same value and its URL; list-order
    ranks keep that basis; the derived figures carry their derivation and sources."""
    pub = load_published()
    assert len(pub) == 368
    assert set(pub["provenance"]) == {"published", "derived"}
    assert pub["source"].notna().all()
    assert pub.loc[pub["provenance"] == "published", "source"].str.match(r"^https?://").all()
    key = pub.set_index(["edition", "unit_set", "province_code", "indicator", "kind"])
    obs = pd.read_csv(REF / "observations_2026.csv", dtype=str)
    fields = OBS_FIELDS  # observations_2026.csv field -> (indicator, kind)
    checked = 0
    for r in obs.itertuples():
        if r.field not in fields:
            assert r.field == "rank_2023_as_stated_by_source"  # the one conflicting claim
            continue
        name = r.province.split(" (")[0]
        ind, kind = fields[r.field]
        row = key.loc[(int(r.edition), r.group, resolve(name, r.group), ind, kind)]
        value = 1.0 if r.value.startswith("maximum") else float(r.value)
        assert float(row["value"]) == value, r
        assert r.source_url in row["source"].split(" | "), r
        if r.basis == "list_order_inferred":
            assert row["basis"] == "list_order_inferred", r
        checked += 1
    assert checked == len(obs) - 1 == 39
    derived = pub[pub["provenance"] == "derived"].set_index(["edition", "province_code"])
    hd = derived.loc[(2021, "30")]
    assert (hd["indicator"], hd["kind"], int(hd["value"])) == ("dti", "rank", 14)
    assert "14th twice and 13th once" in hd["derivation"]
    assert "baohaiduong" in hd["source"] and "mic.gov.vn" in hd["source"]
    assert int(derived.loc[(2020, "58"), "value"]) == 63  # Ninh Thuận: 53rd, "up 10"


def test_every_published_figure_is_reproduced(stored_dataset):
    """Through the store and the metrics: every score, every rank (ties, list-order and
    derived ranks included), each labelled with its kind."""
    ds = stored_dataset
    r = ds.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    prov = ds.provenance().set_index(["edition", "unit_set", "province_code", "indicator"])
    pub = load_published()
    assert len(pub) == 368
    for row in pub.itertuples():
        k = (row.edition, row.unit_set, row.province_code, row.indicator)
        got = r.loc[k]
        if row.kind == "score":
            assert got["score"] == pytest.approx(row.value, abs=1e-12), row
            assert prov.loc[k, "kind"] == "published", row
        else:
            assert int(got["rank"]) == int(row.value), row
            assert prov.loc[k, "rank_kind"] == row.provenance, row


def test_new_2026_figures_and_merger_rule(stored_dataset):
    r = stored_dataset.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])

    def at(*k: str | int) -> list:
        return r.loc[k, ["score", "rank"]].tolist()

    assert at(2024, "63", "48", "dti") == [0.8335, 2]  # old Đà Nẵng
    assert at(2024, "63", "49", "dti") == [0.5803, 57]  # Quảng Nam
    assert at(2024, "34", "48", "dti") == [0.7069, 17]  # new Đà Nẵng
    assert round4(pd.Series([(0.8335 + 0.5803) / 2])).iloc[0] == 0.7069  # the mean rule
    assert at(2024, "34", "15", "dti") == [0.7167, 14]  # Lào Cai
    lc = {m: int(r.loc[(2024, "34", "15", m), "rank"]) for m in ("awareness", "cybersecurity")}
    assert lc == {"awareness": 1, "cybersecurity": 9}
    assert r.loc[(2024, "34", "15", "econ_activity"), "rank"] == 9
    assert r.loc[(2024, "34", "15", "gov_activity"), "rank"] == 10
    for m in ("awareness", "institutions", "econ_activity", "soc_activity"):
        assert r.loc[(2024, "34", "01", m), "rank"] == 1, m  # Hà Nội first in four
    assert at(2021, "63", "58", "dti") == [0.3048, 53]  # Ninh Thuận
    assert at(2021, "63", "58", "gov") == [0.3512, 47]
    assert r.loc[(2021, "63", "01", "dti"), "rank"] == 40  # Hà Nội
    assert r.loc[(2021, "63", "30", "dti"), "rank"] == 14  # Hải Dương, derived
    order = ["36", "19", "52", "30", "38", "20", "35", "25", "64", "75", "31"]  # 2020, 11-21
    assert [int(r.loc[(2020, "63", c, "dti"), "rank"]) for c in order] == list(range(11, 22))
    assert r.loc[(2020, "63", "91", "dti"), "rank"] == 9  # Kiên Giang
    assert [int(r.loc[(2020, "63", "31", m), "rank"]) for m in ("gov", "econ", "soc")] == [
        33,
        20,
        14,
    ]


def test_haiduong_known_figures(stored_dataset):
    r = stored_dataset.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    assert r.loc[(2020, "63", "30", "dti"), ["score", "rank"]].tolist() == [0.3504, 14]
    assert [r.loc[(2020, "63", "30", m), "rank"] for m in ("gov", "econ", "soc")] == [22, 9, 13]
    assert r.loc[(2022, "63", "30", "dti"), ["score", "rank"]].tolist() == [0.6383, 13]
    assert r.loc[(2024, "34", "31", "dti"), ["score", "rank"]].tolist() == [0.7857, 3]
    # 2022: the full published order, with Thanh Hóa and Yên Bái tied at 15
    assert (
        r.loc[(2022, "63", "38", "dti"), "rank"] == r.loc[(2022, "63", "15", "dti"), "rank"] == 15
    )


def test_reported_national_means(stored_dataset):
    r = stored_dataset.ranked
    dti = r[(r["indicator"] == "dti") & (r["unit_set"] == "63")]
    means = dti.groupby("edition")["score"].mean()
    for edition, mean in {2020: 0.3026, 2021: 0.4014, 2023: 0.6783, 2024: 0.6961}.items():
        assert abs(means[edition] - mean) <= 0.00005, edition


KEYS = [
    "province",
    "province_code",
    "dti",
    "dti_rank",
    "dti_source",
    "dti_rank_source",
    "gov_score",
    "gov_rank",
    "gov_source",
    "gov_rank_source",
    "econ_score",
    "econ_rank",
    "econ_source",
    "econ_rank_source",
    "soc_score",
    "soc_rank",
    "soc_source",
    "soc_rank_source",
    "region",
    "region_rank",
]
KINDS5 = {"published", "uploaded", "derived", "pro-forma", "illustrative"}


def _cli_json(capsys, *args: str) -> list[dict]:
    from metrics.__main__ import main

    assert main(["rankings", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_rankings_cli_reproduces_every_published_figure_with_its_kind(
    tmp_path, monkeypatch, capsys
):
    """Every published score and rank (pillars and main indices too) through the CLI, with
    <indicator>_source / <indicator>_rank_source naming the figure's kind."""
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    pub = load_published()
    measures = pub["indicator"].where(pub["indicator"].isin(["dti", "gov", "econ", "soc"]), "x")
    seen = 0
    for (edition, unit_set, measure), part in pub.groupby(
        ["edition", "unit_set", pub["indicator"].where(measures == "x", "dti")]
    ):
        rows = {
            r["province_code"]: r
            for r in _cli_json(
                capsys, "--year", str(edition), "--unit-set", unit_set, "--measure", measure
            )
        }
        assert len(rows) == int(unit_set)
        for row in part.itertuples():
            got = rows[row.province_code]
            score_key = "dti" if row.indicator == "dti" else f"{row.indicator}_score"
            if row.kind == "score":
                assert got[score_key] == pytest.approx(row.value), row
                assert got[f"{row.indicator}_source"] == "published", row
            else:
                assert got[f"{row.indicator}_rank"] == int(row.value), row
                assert got[f"{row.indicator}_rank_source"] == row.provenance, row
            seen += 1
        for got in rows.values():
            assert {got[k] for k in got if k.endswith("_source")} <= KINDS5
    assert seen == len(pub)


def test_rankings_cli_keys_and_haiduong_2021_derived(tmp_path):
    env = {**os.environ, "DTI_DB_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "rankings", "--year", "2021", "--format", "json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout)
    assert list(rows[0]) == KEYS
    hd = next(r for r in rows if r["province_code"] == "30")
    assert (hd["dti_rank"], hd["dti_rank_source"], hd["dti_source"]) == (
        14,
        "derived",
        "illustrative",
    )


def test_pro_forma_34_unit_series_for_every_edition(tmp_path, monkeypatch, capsys):
    """--unit-set 34 works for 2020-2023 from the merger rule: merged units are pro-forma,
    units that were not merged keep a published figure as published; 2024 is stored."""
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'pf.db'}")
    for edition in (2020, 2021, 2022, 2023):
        rows = {
            r["province_code"]: r
            for r in _cli_json(capsys, "--year", str(edition), "--unit-set", "34")
        }
        assert len(rows) == 34
        ranks = sorted(r["dti_rank"] for r in rows.values())  # competition ranks, ties kept
        assert ranks[0] == 1 and all(
            r == i + 1 or r == ranks[i - 1] for i, r in enumerate(ranks)
        ), ranks
        assert {r["dti_rank_source"] for r in rows.values()} == {"pro-forma"}
        assert rows["31"]["dti_source"] == "pro-forma"  # Hải Phòng = Hải Phòng + Hải Dương
    r2020 = {r["province_code"]: r for r in _cli_json(capsys, "--year", "2020", "--unit-set", "34")}
    ds_rows = {r["province_code"]: r for r in _cli_json(capsys, "--year", "2020")}
    # 2020: the rule on the pillars, DTI = 0.4 gov + 0.3 econ + 0.3 soc of the means
    hp = [
        (ds_rows[c]["gov_score"], ds_rows[c]["econ_score"], ds_rows[c]["soc_score"])
        for c in ("30", "31")
    ]
    means = [round4(pd.Series([(a + b) / 2])).iloc[0] for a, b in zip(*hp, strict=True)]
    assert [r2020["31"][k] for k in ("gov_score", "econ_score", "soc_score")] == means
    assert (
        r2020["31"]["dti"]
        == round4(pd.Series([0.4 * means[0] + 0.3 * means[1] + 0.3 * means[2]])).iloc[0]
    )
    # Huế was not merged: its published 2021 score stays published in the 34-unit series
    r2021 = {r["province_code"]: r for r in _cli_json(capsys, "--year", "2021", "--unit-set", "34")}
    assert (r2021["46"]["dti"], r2021["46"]["dti_source"]) == (0.5872, "published")
    r2024 = {r["province_code"]: r for r in _cli_json(capsys, "--year", "2024", "--unit-set", "34")}
    assert (r2024["31"]["dti"], r2024["31"]["dti_rank"], r2024["31"]["dti_rank_source"]) == (
        0.7857,
        3,
        "published",
    )


def test_cli_exit_codes(tmp_path):
    env = {**os.environ, "DTI_DB_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*a: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", *a], cwd=REPO, env=env, capture_output=True, text=True
        )

    assert run("metrics", "rankings", "--year", "2019").returncode == 1
    assert run("metrics", "rankings").returncode == 2
    assert run("metrics", "rankings", "--year", "2019", "--unit-set", "34").returncode == 1
    assert run("data", "export").returncode == 2
    out = tmp_path / "e.xlsx"
    done = run("data", "export", "--year", "2022", "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    x = pd.read_excel(out, engine="openpyxl", dtype={"province_code": str})
    assert len(x) == 63 and list(x.columns[:4]) == [
        "province_code",
        "province",
        "awareness",
        "awareness_provenance",
    ]
    hd = x.set_index("province_code").loc["30"]
    assert (hd["dti"], hd["dti_provenance"]) == (pytest.approx(0.6383), "published")
    assert hd["awareness_provenance"] == "illustrative"
    assert set(x["dti_provenance"].dropna()) == {"published"}
    out2 = tmp_path / "e.csv"
    assert (
        run("data", "export", "--year", "2020", "--format", "csv", "--out", str(out2)).returncode
        == 0
    )
    c = pd.read_csv(out2, dtype={"province_code": str})
    assert list(c.columns) == [
        "province_code",
        "province",
        "gov",
        "gov_provenance",
        "econ",
        "econ_provenance",
        "soc",
        "soc_provenance",
        "dti",
        "dti_provenance",
    ]
    c = c.set_index("province_code")
    assert (c.loc["48", "dti"], c.loc["48", "dti_provenance"]) == (0.4874, "published")
    assert c.loc["01", "gov_provenance"] == "illustrative"


def test_uploaded_values_and_ranks_read_as_uploaded_in_cli_and_export(
    tmp_path, monkeypatch, capsys
):
    """A complete upload of an edition: every score and every rank not held as a published
    figure reads uploaded (with the file and version number), in the CLI and the export."""
    from test_cli_data import filled_template

    from data.__main__ import main as data_main

    url = f"sqlite:///{tmp_path / 'up.db'}"
    monkeypatch.setenv("DTI_DB_URL", url)
    monkeypatch.setenv("DTI_CONFIG_DIR", str(tmp_path / "config"))
    Store(url).seed_if_empty()
    f, _ = filled_template(tmp_path, 2023)
    assert data_main(["import", f, "--replace", "--user", "op"]) == 0
    capsys.readouterr()
    rows = _cli_json(capsys, "--year", "2023")
    assert {r["dti_source"] for r in rows} == {"uploaded"}
    assert {r["gov_source"] for r in rows} == {"uploaded"}
    # a rank equal to a held published figure stays published; the others are uploaded
    assert {r["dti_rank_source"] for r in rows} <= {"uploaded", "published"}
    assert "uploaded" in {r["dti_rank_source"] for r in rows}
    out = tmp_path / "u.csv"
    assert data_main(["export", "--year", "2023", "--format", "csv", "--out", str(out)]) == 0
    capsys.readouterr()
    x = pd.read_csv(out, dtype=str)
    assert set(x["awareness_provenance"]) == {"uploaded"}
    ds = build_dataset(Store(url).load_values())
    prov = ds.provenance()
    aw = prov[(prov["edition"] == 2023) & (prov["indicator"] == "awareness")]
    src = aw[aw["unit_set"] == "63"]["source"]
    assert len(src) == 63 and src.str.match(r"^upload:.*\.xlsx · v2$").all(), src.iloc[0]
    # the 34-unit series of an uploaded edition: merged units pro-forma, the rest uploaded
    assert set(aw[aw["unit_set"] == "34"]["kind"]) == {"uploaded", "pro-forma"}
    # the other editions keep their kinds
    assert {r["dti_source"] for r in _cli_json(capsys, "--year", "2022")} == {
        "published",
        "illustrative",
    }
