"""Map, compare and methodology metrics on small hand-made frames; the tile grids."""

import pandas as pd
import pytest

from charts.compare import spread
from data.frameworks import framework
from data.provinces import by_code
from data.tilegrid import TileGridError, check_grid, island_tiles, tile_grid
from metrics.compare import (
    nearest,
    parse_codes,
    rank_paths,
    region_leaders,
    region_peers,
    region_preset,
    side_by_side,
    slope,
)
from metrics.geo import available_editions, kind_counts, map_tiles
from metrics.method import framework_rows, merger_rows, provenance_shares, sources


def ranked_frame(rows):
    """rows: (edition, code, indicator, score, rank)."""
    df = pd.DataFrame(rows, columns=["edition", "province_code", "indicator", "score", "rank"])
    df["unit_set"] = "63"
    df["n"] = df.groupby(["edition", "indicator"])["score"].transform("count")
    df["tier"] = pd.Series([1, 2, 3, 4] * 10)[: len(df)].to_numpy()
    df["rank"] = df["rank"].astype("Int64")
    return df


def prov_frame(ranked, kind="illustrative"):
    p = ranked[["edition", "unit_set", "province_code", "indicator"]].copy()
    p["kind"] = kind
    p["source"] = kind
    return p


RANKED = ranked_frame(
    [
        (2023, "30", "dti", 0.60, 3),
        (2023, "31", "dti", 0.62, 2),
        (2023, "33", "dti", 0.57, 4),
        (2023, "01", "dti", 0.90, 1),
        (2024, "30", "dti", 0.55, 3),
        (2024, "31", "dti", 0.70, 1),
        (2024, "33", "dti", 0.58, 2),
        (2024, "01", "dti", float("nan"), pd.NA),
    ]
)
PROV = prov_frame(RANKED)


@pytest.mark.parametrize("unit_set", ["63", "34"])
def test_tile_grid_covers_every_unit_once_on_distinct_cells(unit_set):
    grid = tile_grid(unit_set)
    assert sorted(grid["code"]) == sorted(by_code(unit_set))
    assert not grid["code"].duplicated().any()
    assert not grid.duplicated(["row", "col"]).any()
    assert grid["short"].str.len().between(2, 10).all()
    # the islands lie east of every tile (in the sea) and never on a unit's cell
    isl = island_tiles(unit_set)
    assert sorted(isl["key"]) == ["hoang_sa", "truong_sa"]
    assert (isl["col"] > grid["col"].max() - 0.5).all()
    # Hoàng Sa is north of Trường Sa
    assert (
        isl.set_index("key").loc["hoang_sa", "row"] < isl.set_index("key").loc["truong_sa", "row"]
    )


def test_tile_grid_shape_north_wide_centre_narrow_delta_south():
    g = tile_grid("63")
    width = g.groupby("row")["code"].count()
    assert width.loc[0:4].max() >= 6  # the north is wide
    assert width.loc[6:9].max() <= 2  # the centre is narrow
    south = g[g["row"] >= 16]
    assert {"96", "91", "92"} <= set(south["code"])  # Cà Mau, Kiên Giang, Cần Thơ
    assert g.set_index("code").loc["01", "row"] < g.set_index("code").loc["79", "row"]


def test_check_grid_rejects_duplicates_and_gaps():
    g = tile_grid("34")
    with pytest.raises(TileGridError, match="missing"):
        check_grid(g.iloc[1:], "34")
    clash = g.copy()
    clash.loc[1, ["row", "col"]] = clash.loc[0, ["row", "col"]].to_numpy()
    with pytest.raises(TileGridError, match="shared cells"):
        check_grid(clash, "34")


def test_map_tiles_keeps_every_tile_and_joins_values():
    grid = pd.DataFrame(
        {
            "code": ["30", "31", "01"],
            "row": [0, 0, 1],
            "col": [0, 1, 0],
            "short": ["HD", "HP", "HN"],
        }
    )
    units = pd.DataFrame(
        {
            "unit_set": "63",
            "province_code": ["30", "31", "01"],
            "name": ["Hải Dương", "Hải Phòng", "Hà Nội"],
            "region_code": "DBSH",
        }
    )
    prov = PROV.copy()
    prov.loc[(prov["province_code"] == "31") & (prov["edition"] == 2024), "kind"] = "published"
    tiles = map_tiles(RANKED, prov, grid, units, 2024, "63")
    assert tiles["code"].tolist() == ["30", "31", "01"]
    hd = tiles.iloc[0]
    assert (hd["score"], int(hd["rank"]), int(hd["n"])) == (0.55, 3, 3)
    assert pd.isna(tiles.iloc[2]["score"]) and pd.isna(tiles.iloc[2]["rank"])
    assert kind_counts(tiles) == {
        "published": 1,
        "uploaded": 0,
        "derived": 0,
        "pro-forma": 0,
        "illustrative": 2,
        "missing": 1,
    }
    assert len(RANKED) == 8  # input untouched


def test_available_editions():
    assert available_editions(RANKED, "63") == [2023, 2024]
    assert available_editions(RANKED, "34") == []


def test_nearest_by_score_distance_with_ties_to_better_rank():
    # 2023: |0.62-0.60| = 0.02, |0.57-0.60| = 0.03, |0.90-0.60| = 0.30
    assert nearest(RANKED, "30", 2023, k=2) == ["31", "33"]
    assert nearest(RANKED, "30", 2023, k=5) == ["31", "33", "01"]
    # 2024: 33 (0.03) before 31 (0.15); 01 has no score
    assert nearest(RANKED, "30", 2024, k=5) == ["33", "31"]
    assert nearest(RANKED, "30", 2023, k=5, among=["33", "01"]) == ["33", "01"]
    assert nearest(RANKED, "01", 2024) == []
    tie = ranked_frame(
        [(2024, "30", "dti", 0.5, 2), (2024, "02", "dti", 0.6, 1), (2024, "04", "dti", 0.4, 3)]
    )
    assert nearest(tie, "30", 2024, k=1) == ["02"]  # equal distance: the better rank


def test_region_peers_puts_home_first():
    units = pd.DataFrame(
        {
            "unit_set": "63",
            "province_code": ["30", "31", "33", "01"],
            "region_code": ["DBSH", "DBSH", "TN", "DBSH"],
        }
    )
    # A region that fits in six is shown whole: home first, then by rank (01 is 1st, 31 2nd)
    assert region_peers(RANKED, units, "30", "DBSH", 2023) == ["30", "01", "31"]
    # ... unranked members last (01 has no 2024 score)
    assert region_peers(RANKED, units, "30", "DBSH", 2024) == ["30", "31", "01"]


def test_region_peers_of_a_large_region_keeps_its_leaders():
    codes = [f"{i:02d}" for i in range(1, 12)]  # eleven members, like the Red River Delta
    units = pd.DataFrame({"unit_set": "63", "province_code": codes, "region_code": "DBSH"})
    scores = [0.9, 0.85, 0.7, 0.62, 0.61, 0.6, 0.59, 0.58, 0.4, 0.3, 0.2]
    ranked = ranked_frame(
        [(2024, c, "dti", s, i + 1) for i, (c, s) in enumerate(zip(codes, scores, strict=True))]
    )
    # Home 06 (0.60): the two leaders 01 and 02, then the three nearest (05, 07, 04)
    assert region_peers(ranked, units, "06", "DBSH", 2024) == ["06", "01", "02", "05", "07", "04"]
    assert region_leaders(ranked, units, "DBSH", 2024) == ["01", "02"]
    codes_, leaders, whole = region_preset(ranked, units, "06", "DBSH", 2024)
    assert (codes_[:3], leaders, whole) == (["06", "01", "02"], ["01", "02"], False)


def test_parse_codes():
    known = ["01", "30", "31"]
    assert parse_codes("30,x,1,30, 31", known) == ["30", "01", "31"]
    assert parse_codes(None, known) == []
    assert parse_codes("01,30,31", known, limit=2) == ["01", "30"]


def test_rank_paths_and_slope_by_hand():
    paths = rank_paths(RANKED, PROV, ["31", "30"])
    assert paths["province_code"].tolist() == ["31", "31", "30", "30"]
    assert paths["rank"].tolist() == [2, 1, 3, 3]
    sl = slope(RANKED, PROV, ["30", "31", "01"], 2023, 2024)
    hd, hp, hn = (sl.iloc[i] for i in range(3))
    assert hd["score_change"] == pytest.approx(-0.05) and hd["rank_change"] == 0
    assert hp["score_change"] == pytest.approx(0.08) and hp["rank_change"] == 1  # 2 -> 1
    assert pd.isna(hn["score_to"]) and pd.isna(hn["rank_change"])


def test_side_by_side_keeps_missing_pairs():
    sbs = side_by_side(RANKED, PROV, ["30", "01"], 2024, ["dti", "gov"])
    assert sbs[["indicator", "province_code"]].values.tolist() == [
        ["dti", "30"],
        ["dti", "01"],
        ["gov", "30"],
        ["gov", "01"],
    ]
    assert sbs.loc[0, "score"] == 0.55 and int(sbs.loc[0, "rank"]) == 3
    assert sbs["score"].iloc[1:].isna().all()


def test_framework_rows_weights():
    rows = framework_rows(framework(2022)).set_index("indicator")
    assert rows.loc["awareness", "points"] == 100 and rows.loc["awareness", "share"] == 0.1
    assert rows.loc["gov_activity", "share"] == 0.2
    assert rows.loc["gov_activity", "pillars"] == ("gov",)
    assert len(rows.loc["dti", "members"]) == 8
    assert rows["share"].sum() == pytest.approx(1.0)
    r2020 = framework_rows(framework(2020)).set_index("indicator")
    assert r2020.loc["gov", "share"] == 0.4 and r2020.loc["dti", "members"] == (
        "gov",
        "econ",
        "soc",
    )


def test_sources_groups_by_url_and_splits_joined_sources():
    pub = pd.DataFrame(
        {
            "edition": [2022, 2022, 2021, 2020],
            "indicator": ["dti", "gov", "dti", "dti"],
            "source": [
                "https://a.vn/x",
                "https://a.vn/x",
                "https://www.b.vn/y | https://a.vn/x",
                "https://www.b.vn/y",
            ],
        }
    )
    out = sources(pub)
    assert out["source"].tolist() == ["https://a.vn/x", "https://www.b.vn/y"]
    assert out["n"].tolist() == [3, 2]
    assert out.loc[0, "editions"] == [2021, 2022]
    assert out.loc[1, "site"] == "b.vn"
    assert out.loc[0, "indicators"] == ["dti", "gov"]


def test_provenance_shares_by_hand():
    prov = pd.DataFrame(
        {
            "edition": [2024] * 4 + [2023] * 2,
            "unit_set": ["63"] * 6,
            "province_code": ["01", "02", "04", "06", "01", "02"],
            "kind": ["published", "illustrative", "illustrative", "illustrative", "uploaded", None],
        }
    )
    out = provenance_shares(prov).set_index("edition")
    assert out.loc[2024, "n"] == 4 and out.loc[2024, "share_published"] == 0.25
    assert out.loc[2024, "share_illustrative"] == 0.75
    assert out.loc[2023, "n"] == 2 and out.loc[2023, "share_uploaded"] == 0.5
    assert out.loc[2023, "share_illustrative"] == 0.0


def test_merger_rows():
    units = pd.DataFrame(
        {
            "unit_set": ["63", "63", "63", "34", "34"],
            "province_code": ["31", "30", "01", "31", "01"],
            "name": ["Hải Phòng", "Hải Dương", "Hà Nội", "Hải Phòng", "Hà Nội"],
            "successor_code": ["31", "31", "01", None, None],
        }
    )
    out = merger_rows(units).set_index("code")
    assert out.loc["31", "predecessors"] == ["30", "31"]
    assert out.loc["31", "predecessor_names"] == ["Hải Dương", "Hải Phòng"]
    assert bool(out.loc["31", "merged"]) and not bool(out.loc["01", "merged"])


def test_spread_keeps_labels_apart_and_centred():
    ys = spread([1.0, 1.01, 3.0], gap=0.5)
    assert ys[1] - ys[0] >= 0.5 - 1e-9 and ys[2] == pytest.approx(3.0 - (0.49 / 3))
    assert sum(ys) == pytest.approx(5.01)
    assert spread([], 1.0) == []
