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
from data.provinces import predecessors, provinces
from data.store import Store, load_bundle, load_published
from metrics.provenance import kind_of
from metrics.scoring import round4

REPO = Path(__file__).resolve().parents[1]


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


def test_every_published_figure_is_reproduced(stored_dataset):
    r = stored_dataset.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    pub = load_published()
    assert len(pub) == 338
    for row in pub.itertuples():
        got = r.loc[(row.edition, row.unit_set, row.province_code, row.indicator)]
        if row.kind == "score":
            assert got["score"] == pytest.approx(row.value, abs=1e-12), row
        else:
            assert int(got["rank"]) == int(row.value), row


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


def test_rankings_cli_reproduces_published_dti_ranks_and_scores(tmp_path):
    env = {**os.environ, "DTI_DB_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    pub = load_published()
    for (edition, unit_set), part in pub[pub["indicator"] == "dti"].groupby(
        ["edition", "unit_set"]
    ):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "metrics",
                "rankings",
                "--year",
                str(edition),
                "--unit-set",
                unit_set,
                "--format",
                "json",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        rows = {r["province_code"]: r for r in json.loads(out.stdout)}
        assert len(rows) == int(unit_set)
        for row in part.itertuples():
            key = "dti" if row.kind == "score" else "dti_rank"
            assert rows[row.province_code][key] == pytest.approx(row.value), row
    first = json.loads(out.stdout)[0]
    assert list(first) == [
        "province",
        "province_code",
        "dti",
        "dti_rank",
        "gov_score",
        "gov_rank",
        "econ_score",
        "econ_rank",
        "soc_score",
        "soc_rank",
        "region",
        "region_rank",
    ]


def test_cli_exit_codes(tmp_path):
    env = {**os.environ, "DTI_DB_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*a: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", *a], cwd=REPO, env=env, capture_output=True, text=True
        )

    assert run("metrics", "rankings", "--year", "2019").returncode == 1
    assert run("metrics", "rankings").returncode == 2
    assert run("metrics", "rankings", "--year", "2022", "--unit-set", "34").returncode == 1
    assert run("data", "export").returncode == 2
    out = tmp_path / "e.xlsx"
    done = run("data", "export", "--year", "2022", "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    x = pd.read_excel(out, engine="openpyxl", dtype={"province_code": str})
    assert len(x) == 63 and list(x.columns[:3]) == ["province_code", "province", "awareness"]
    assert x.set_index("province_code").loc["30", "dti"] == pytest.approx(0.6383)
    out2 = tmp_path / "e.csv"
    assert (
        run("data", "export", "--year", "2020", "--format", "csv", "--out", str(out2)).returncode
        == 0
    )
    c = pd.read_csv(out2, dtype={"province_code": str})
    assert list(c.columns) == ["province_code", "province", "gov", "econ", "soc", "dti"]
