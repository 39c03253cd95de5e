"""Pro-forma 34-unit results from 63-province data (the official 2024 rule)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_metrics_helpers import tiny_framework, units_frame, values_frame

from metrics.merger import pro_forma_results, pro_forma_values

FW = {2022: tiny_framework()}
IDX = ["awareness", "gov_activity", "econ_activity", "soc_activity"]


def test_mean_of_predecessors_rounded_then_scored() -> None:
    v = values_frame(
        {
            (2022, "30"): dict(zip(IDX, [0.80, 0.60, 0.40, 0.20], strict=True)),
            (2022, "31"): dict(zip(IDX, [0.90, 0.70, 0.55, 0.30], strict=True)),
            (2022, "01"): dict(zip(IDX, [0.12345, 0.5, 0.5, 0.5], strict=True)),
        }
    )
    succ = {"30": "31", "31": "31", "01": "01"}
    pf = pro_forma_values(v, FW, succ).set_index(["province_code", "indicator"])["value"]
    assert pf[("31", "awareness")] == pytest.approx(0.85)
    assert pf[("31", "econ_activity")] == pytest.approx(0.475)
    assert pf[("01", "awareness")] == pytest.approx(0.1235)  # rounded half up to 4 decimals
    res = pro_forma_results(v, FW, succ, units_frame({"01": "X", "31": "X"}, "34"))
    dti = res[res["indicator"] == "dti"].set_index("province_code")
    # 31: (85 + 130 + 71.25 + 37.5) / 600 = 0.539583 -> 0.5396
    assert dti.at["31", "score"] == pytest.approx(0.5396)
    assert dti.at["31", "rank"] == 1 and (res["unit_set"] == "34").all()


def test_missing_predecessor_value_makes_merged_value_missing() -> None:
    v = values_frame(
        {(2022, "30"): {"awareness": 0.8}, (2022, "31"): {"awareness": 0.9, "gov_activity": 0.5}}
    )
    pf = pro_forma_values(v, FW, {"30": "31", "31": "31"}).set_index("indicator")["value"]
    assert pf["awareness"] == pytest.approx(0.85)
    assert pd.isna(pf["gov_activity"])


def test_bundled_2024_pro_forma_equals_published_34_group() -> None:
    from app.dataset import build_dataset
    from data.frameworks import frameworks
    from data.provinces import by_code, successor
    from data.store import load_bundle

    values = load_bundle()
    fws = frameworks()
    succ = {c: successor(c) for c in by_code("63")}
    pf = pro_forma_values(values, fws, succ, editions=[2024])
    got = pf.set_index(["province_code", "indicator"])["value"]
    want = values[
        (values["edition"] == 2024)
        & (values["unit_set"] == "34")
        & values["indicator"].isin(fws[2024].inputs)
    ]
    want = want.set_index(["province_code", "indicator"])["value"].astype(float)
    assert len(want) == 34 * 8
    pd.testing.assert_series_equal(
        got.reindex(want.index), want, check_names=False, atol=1e-12, rtol=0
    )
    # scored, the pro-forma reproduces the 34-group scores (official totals within 0.0001)
    ds = build_dataset(values)
    res = pro_forma_results(values, fws, succ, ds.units, editions=[2024])
    mine = res[res["indicator"] == "dti"].set_index("province_code")["score"]
    off = ds.ranked[
        (ds.ranked["edition"] == 2024)
        & (ds.ranked["unit_set"] == "34")
        & (ds.ranked["indicator"] == "dti")
    ].set_index("province_code")["score"]
    assert (mine.reindex(off.index) - off).abs().max() <= 0.0001 + 1e-9
    assert mine["31"] == pytest.approx(0.7857)  # Hải Phòng = old Hải Phòng + Hải Dương


def test_hai_duong_followed_into_hai_phong_every_edition() -> None:
    from app.dataset import build_dataset
    from data.frameworks import frameworks
    from data.provinces import by_code, successor
    from data.store import load_bundle

    values = load_bundle()
    ds = build_dataset(values)
    succ = {c: successor(c) for c in by_code("63")}
    res = pro_forma_results(values, frameworks(), succ, ds.units)
    hp = res[(res["province_code"] == "31") & (res["indicator"] == "dti")]
    assert hp["edition"].tolist() == [2020, 2021, 2022, 2023, 2024]
    assert hp["score"].notna().all() and (hp["rank"] <= 34).all()
