"""Scores and ranks: hand-computed fixtures and invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.frameworks import frameworks
from metrics.ranking import competition_rank, rank_scores, year_on_year
from metrics.scoring import compute_scores, reconcile, round4

FW = frameworks()
QN_2022 = {  # dti.gov.vn 2022, Quảng Ninh
    "awareness": 0.9581,
    "institutions": 0.9000,
    "infrastructure": 0.7648,
    "human_resources": 0.6250,
    "cybersecurity": 0.5382,
    "gov_activity": 0.8385,
    "econ_activity": 0.5904,
    "soc_activity": 0.4505,
}


def tidy(rows):
    return pd.DataFrame(
        rows, columns=["edition", "unit_set", "province_code", "indicator", "value"]
    )


def score_of(scores, code, ind):
    s = scores[(scores["province_code"] == code) & (scores["indicator"] == ind)]
    return s["score"].iloc[0]


def test_round_half_up():
    assert round4(0.716355) == 0.7164
    assert round4(0.40965) == 0.4097
    assert round4(0.63835) == 0.6384
    assert np.isnan(round4(float("nan")))


def test_qd922_formulas_reproduce_quang_ninh_2022():
    vals = tidy([(2022, "63", "22", k, v) for k, v in QN_2022.items()])
    s = compute_scores(vals, FW)
    # pillar = (foundation points + activity points) / (500 + activity max)
    assert score_of(s, "22", "gov") == 0.7804
    assert score_of(s, "22", "econ") == 0.7187
    assert score_of(s, "22", "soc") == 0.6864
    assert score_of(s, "22", "dti") == 0.7024
    raw = s[(s["indicator"] == "dti")]["raw"].iloc[0]
    assert raw == pytest.approx(
        (
            100 * (0.9581 + 0.9 + 0.7648 + 0.625 + 0.5382)
            + 200 * 0.8385
            + 150 * 0.5904
            + 150 * 0.4505
        )
        / 1000
    )


def test_2020_weights_and_missing_input():
    vals = tidy(
        [
            (2020, "63", "48", "gov", 0.5346),
            (2020, "63", "48", "econ", 0.4155),
            (2020, "63", "48", "soc", 0.4964),
            (2020, "63", "30", "gov", 0.40),
            (2020, "63", "30", "econ", None),
            (2020, "63", "30", "soc", 0.30),
        ]
    )
    s = compute_scores(vals, FW)
    assert score_of(s, "48", "dti") == 0.4874  # 0.4*0.5346 + 0.3*0.4155 + 0.3*0.4964
    assert np.isnan(score_of(s, "30", "dti"))  # a missing input: no total, no guess


def test_stored_official_total_is_shown_and_reconciled():
    hcm = {
        "awareness": 0.8917,
        "institutions": 0.9,
        "infrastructure": 0.8258,
        "human_resources": 0.6267,
        "cybersecurity": 0.558,
        "gov_activity": 0.8406,
        "econ_activity": 0.7611,
        "soc_activity": 0.359,
    }
    vals = tidy(
        [(2022, "63", "79", k, v) for k, v in hcm.items()] + [(2022, "63", "79", "dti", 0.7163)]
    )
    s = compute_scores(vals, FW)
    row = s[s["indicator"] == "dti"].iloc[0]
    assert (row["score"], row["recomputed"], row["basis"]) == (0.7163, 0.7164, "stored")
    rec = reconcile(vals, s).set_index("indicator")
    assert rec.loc["dti", "diff"] == pytest.approx(-0.0001) and bool(rec.loc["dti", "ok"])
    assert rec.loc["awareness", "diff"] == 0
    rec_bad = reconcile(vals.replace({0.7163: 0.7180}), s)
    assert not bool(rec_bad[rec_bad["indicator"] == "dti"]["ok"].iloc[0])


def test_competition_ranks_ties_share_best():
    s = pd.Series([0.9, 0.8, 0.8, 0.7, None])
    assert competition_rank(s).tolist()[:4] == [1, 2, 2, 4]
    assert pd.isna(competition_rank(s).iloc[4])


def units(codes):
    return pd.DataFrame(
        {
            "unit_set": "63",
            "province_code": codes,
            "region_code": ["DBSH", "DBSH", "TN", "TN"][: len(codes)],
        }
    )


def test_rank_scores_national_region_percentile():
    sc = pd.DataFrame(
        {
            "edition": 2022,
            "unit_set": "63",
            "province_code": ["a", "b", "c", "d"],
            "indicator": "dti",
            "score": [0.7, 0.6, 0.6, 0.5],
        }
    )
    r = rank_scores(sc, units(["a", "b", "c", "d"])).set_index("province_code")
    assert r["rank"].tolist() == [1, 2, 2, 4]
    assert r["region_rank"].tolist() == [1, 2, 1, 2]
    assert r["percentile"].tolist() == pytest.approx([1.0, 1 / 3, 1 / 3, 0.0])


def test_year_on_year_and_series_break():
    rows = []
    for e, scores in ((2020, [0.4, 0.3]), (2021, [0.5, 0.6]), (2022, [0.7, 0.6])):
        for code, v in zip(["a", "b"], scores, strict=True):
            rows.append(
                {
                    "edition": e,
                    "unit_set": "63",
                    "province_code": code,
                    "indicator": "dti",
                    "score": v,
                }
            )
    ranked = rank_scores(pd.DataFrame(rows), units(["a", "b"]))
    y = year_on_year(ranked, FW).set_index(["edition", "province_code"])
    assert y.loc[(2022, "a"), "rank_change"] == 1  # 2 -> 1: climbed one place
    assert y.loc[(2022, "a"), "score_change"] == pytest.approx(0.2)
    assert bool(y.loc[(2022, "a"), "comparable"])
    assert not bool(y.loc[(2021, "a"), "comparable"])  # 2020 -> 2021 changed method
    assert pd.isna(y.loc[(2020, "a"), "rank_change"])


scores4 = st.lists(
    st.integers(min_value=0, max_value=60).map(lambda i: i / 100), min_size=2, max_size=40
)


@given(scores4, st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_ranks_do_not_depend_on_row_order(values, rnd):
    codes = [f"{i:02d}" for i in range(len(values))]
    df = pd.DataFrame(
        {
            "edition": 2022,
            "unit_set": "63",
            "province_code": codes,
            "indicator": "dti",
            "score": values,
        }
    )
    u = pd.DataFrame({"unit_set": "63", "province_code": codes, "region_code": "DBSH"})
    a = rank_scores(df, u).set_index("province_code")["rank"]
    shuffled = df.sample(frac=1, random_state=rnd.randint(0, 10_000))
    b = rank_scores(shuffled, u).set_index("province_code")["rank"]
    assert a.sort_index().tolist() == b.sort_index().tolist()
    # ties share the best rank, and a rank counts the units strictly above
    for code, v in zip(codes, values, strict=True):
        assert a[code] == 1 + sum(1 for w in values if w > v)
