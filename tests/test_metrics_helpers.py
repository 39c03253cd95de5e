"""Small synthetic frameworks and frames shared by the tests/test_metrics_*.py modules."""

from __future__ import annotations

import pandas as pd

from data.frameworks import Framework, Indicator

TINY_POINTS = {
    "awareness": 100.0,
    "gov_activity": 200.0,
    "econ_activity": 150.0,
    "soc_activity": 150.0,
}


def tiny_framework(edition: int = 2022, points: dict[str, float] | None = None) -> Framework:
    """awareness (foundation of every pillar) + three activity indices, 600 points."""
    pts = points or TINY_POINTS
    pill = {
        "awareness": ("gov", "econ", "soc"),
        "gov_activity": ("gov",),
        "econ_activity": ("econ",),
        "soc_activity": ("soc",),
    }
    inds = [Indicator(c, "activity", p, pill[c], c, c) for c, p in pts.items()]
    inds += [Indicator(p, "pillar", None, (), p, p) for p in ("gov", "econ", "soc")]
    inds.append(Indicator("dti", "total", None, (), "DTI", "DTI"))
    members = {p: tuple(c for c in pts if p in pill[c]) for p in ("gov", "econ", "soc")}
    return Framework(edition, tuple(inds), "test", members)


def pillar_framework(edition: int = 2020) -> Framework:
    """The 2020 shape: the three pillars are the inputs (400/300/300)."""
    inds = (
        Indicator("gov", "pillar", 400.0, ("gov",), "gov", "gov"),
        Indicator("econ", "pillar", 300.0, ("econ",), "econ", "econ"),
        Indicator("soc", "pillar", 300.0, ("soc",), "soc", "soc"),
        Indicator("dti", "total", None, (), "DTI", "DTI"),
    )
    return Framework(edition, inds, "test", {"gov": ("gov",), "econ": ("econ",), "soc": ("soc",)})


def values_frame(
    data: dict[tuple[int, str], dict[str, float]], unit_set: str = "63"
) -> pd.DataFrame:
    """{(edition, code): {indicator: value}} -> tidy values."""
    rows = [
        {"edition": e, "unit_set": unit_set, "province_code": c, "indicator": i, "value": v}
        for (e, c), d in data.items()
        for i, v in d.items()
    ]
    return pd.DataFrame(rows)


def units_frame(regions: dict[str, str], unit_set: str = "63") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_set": unit_set,
                "province_code": c,
                "name": f"P{c}",
                "region_code": r,
                "region": r,
            }
            for c, r in regions.items()
        ]
    )


def scores_frame(
    data: dict[tuple[int, str], float],
    indicator: str = "dti",
    regions: dict[str, str] | None = None,
    unit_set: str = "63",
) -> pd.DataFrame:
    """Already-scored rows {(edition, code): score} ranked with rank_scores."""
    from metrics.ranking import rank_scores

    rows = pd.DataFrame(
        [
            {
                "edition": e,
                "unit_set": unit_set,
                "province_code": c,
                "indicator": indicator,
                "score": s,
            }
            for (e, c), s in data.items()
        ]
    )
    codes = sorted(rows["province_code"].unique())
    regions = regions or dict.fromkeys(codes, "R")
    return rank_scores(rows, units_frame(regions, unit_set))


def test_tiny_framework_weights() -> None:
    fw = tiny_framework()
    assert fw.total_points == 600
    assert fw.weights("gov") == {"awareness": 100.0, "gov_activity": 200.0}
    assert fw.composites == ("gov", "econ", "soc", "dti")


def test_after_series_keeps_the_editions_after_the_series():
    import pandas as pd

    from metrics.trajectory import after_series

    series = pd.DataFrame({"edition": [2020, 2021, 2024]})
    later = pd.DataFrame({"edition": [2024, 2025, 2026], "rank": [3, 5, 4]})
    assert after_series(later, series)["edition"].tolist() == [2025, 2026]
    assert after_series(later, series.iloc[0:0])["edition"].tolist() == [2024, 2025, 2026]
