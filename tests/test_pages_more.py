"""AppTest tests for the map, compare and methodology pages, in both languages."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.dataset import load_dataset
from data.provinces import provinces
from data.store import Store, load_published
from data.tilegrid import tile_grid
from metrics.compare import nearest, region_peers, side_by_side
from metrics.geo import map_tiles
from metrics.method import provenance_shares, sources
from metrics.provenance import provenance

HOME_CODE = "30"  # Hải Dương, the default DTI_HOME_PROVINCE

REPO = Path(__file__).resolve().parents[1]
PAGES = ["map", "compare", "methodology"]


@pytest.fixture
def app_env(fresh_app):
    """A fresh store and empty caches (conftest's ``fresh_app``)."""


@pytest.fixture
def ds(app_env):
    s = Store()
    s.seed_if_empty()
    return load_dataset(s)


def run_page(page: str, lang: str = "vi", **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(str(REPO / "views" / f"{page}.py"))
    return at.run()


def _decode(obj):
    """Plotly 7 ships numeric arrays as {"dtype", "bdata"}: turn them back into lists."""
    if isinstance(obj, dict):
        if set(obj) >= {"dtype", "bdata"}:
            return np.frombuffer(base64.b64decode(obj["bdata"]), obj["dtype"]).tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def figures(at: AppTest) -> list[dict]:
    return [_decode(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_render_in_both_languages(app_env, page, lang):
    at = run_page(page, lang)
    assert not at.exception, at.exception
    assert at.title
    assert figures(at), "every page draws a chart"


def test_map_tiles_equal_metrics(ds):
    at = run_page("map", "vi")
    assert not at.exception
    fig = figures(at)[0]
    tiles_trace = fig["data"][0]
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    tiles = map_tiles(ds.ranked, prov, tile_grid("63"), ds.units, 2024, "63")
    assert tiles_trace["customdata"] == tiles["code"].tolist()
    assert len(tiles_trace["customdata"]) == 63
    home = tiles[tiles["code"] == HOME_CODE].iloc[0]
    i = tiles_trace["customdata"].index(HOME_CODE)
    score_text = f"{home['score']:.4f}".replace(".", ",")  # 4 decimals, as published
    assert tiles_trace["text"][i] == f"Hải Dương<br>{score_text}"
    assert f"Hạng {int(home['rank'])}/63" in tiles_trace["hovertext"][i]
    texts = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "Quần đảo<br>Hoàng Sa" in texts and "Quần đảo<br>Trường Sa" in texts
    assert at.metric[0].value == f"{int(home['rank'])}/63"
    assert fig["layout"]["separators"] == ",."


def test_map_in_english_names_the_islands(app_env):
    at = run_page("map", "en", colour="rank")
    fig = figures(at)[0]
    texts = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "Hoàng Sa<br>(Paracel) Islands" in texts
    assert "Trường Sa<br>(Spratly) Islands" in texts
    assert fig["data"][0]["text"][0].endswith(
        ("#", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
    )


def test_map_url_state_round_trip(ds):
    at = run_page("map", "en", unit="34", edition="2024", colour="tier", ind="gov")
    assert not at.exception
    assert at.selectbox(key="q_unit").value == "34"
    assert at.selectbox(key="q_colour").value == "tier"
    assert at.selectbox(key="q_ind").value == "gov"
    assert len(figures(at)[0]["data"][0]["customdata"]) == 34
    assert at.query_params["colour"] == ["tier"] or at.query_params["colour"] == "tier"
    # widget -> URL
    at.selectbox(key="q_colour").set_value("rank").run()
    at.selectbox(key="q_unit").set_value("63").run()
    assert not at.exception
    q = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert q["colour"] == "rank" and q["unit"] == "63" and q["ind"] == "gov"
    assert len(figures(at)[0]["data"][0]["customdata"]) == 63


def test_compare_defaults_and_table_equal_metrics(ds):
    at = run_page("compare", "vi")
    assert not at.exception
    expected = [HOME_CODE, *nearest(ds.ranked, HOME_CODE, 2024)]
    assert at.multiselect(key="cmp_p").value == expected
    q = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    # opens on the latest pair scored by the same method, not 2020 -> 2024
    first, last = int(q["from"]), int(q["to"])
    assert q["p"] == ",".join(expected) and first < last
    assert ds.frameworks[last].comparable_with(ds.frameworks[first])
    assert not any(
        ds.frameworks[b].comparable_with(ds.frameworks[a])
        for a in range(2020, 2025)
        for b in range(a + 1, 2025)
        if (b, a) > (last, first)
    )
    bump, slope_fig = figures(at)[:2]
    home = next(tr for tr in bump["data"] if tr["name"] == "Hải Dương")
    assert home["line"]["color"] == "#D55E00"
    assert bump["layout"]["yaxis"]["range"][0] > bump["layout"]["yaxis"]["range"][1]
    r = ds.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    assert [int(v) for v in home["y"]] == [
        int(r.loc[(e, "63", HOME_CODE, "dti"), "rank"]) for e in range(2020, 2025)
    ]
    table = at.dataframe[0].value
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    sbs = side_by_side(ds.ranked, prov, expected, last, ["dti"])  # the table is of "to"
    me = sbs[sbs["province_code"] == HOME_CODE].iloc[0]
    cell = table.loc[0, "Hải Dương"]
    assert cell.startswith(f"{me['score']:.4f}".replace(".", ",")) and cell.endswith(
        f"(#{int(me['rank'])})"
    )
    assert "Phương pháp" not in cell


def test_compare_url_round_trip_and_preset(ds):
    at = run_page("compare", "en", p="30,31,1,zz", **{"from": "2021", "to": "2023"})
    assert not at.exception
    assert at.multiselect(key="cmp_p").value == ["30", "31", "01"]
    assert at.selectbox(key="q_from").value == 2021
    assert at.selectbox(key="q_to").value == 2023
    at.selectbox(key="q_from").set_value(2022).run()
    q = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert q["from"] == "2022" and q["p"] == "30,31,01"
    at.button(key="cmp_region").click().run()  # Red River Delta preset
    want = region_peers(ds.ranked, ds.units, HOME_CODE, "DBSH", 2024)
    assert at.multiselect(key="cmp_p").value == want
    assert len(want) == 6
    # The region's leaders are in it (Hải Phòng 3rd and Hà Nội 4th nationally in 2024),
    # named from the registry, and the page says in words what the preset holds.
    names = {p.code: p.name for p in provinces("63")}
    dbsh = [p.code for p in provinces("63") if p.region_code == "DBSH"]
    r24 = ds.ranked[
        (ds.ranked["edition"] == 2024)
        & (ds.ranked["unit_set"] == "63")
        & (ds.ranked["indicator"] == "dti")
        & ds.ranked["province_code"].isin(dbsh)
    ].sort_values("rank")
    leaders = r24["province_code"].head(2).tolist()
    assert {names[c] for c in leaders} == {"Hà Nội", "Hải Phòng"}
    assert want[:3] == [HOME_CODE, *leaders] and set(want) <= set(dbsh)
    words = [c.value for c in at.caption if "Red River Delta button" in c.value]
    assert words and f"({names[leaders[0]]}, {names[leaders[1]]})" in words[0]
    q = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert q["p"] == ",".join(want)


def test_methodology_values_equal_metrics(ds):
    at = run_page("methodology", "en")
    assert not at.exception
    assert len(at.dataframe) == 2  # the open edition's framework, the shares; the rest folded
    for key in ("merger", "derived", "recon", "sources"):  # the user opens each table
        at.session_state[f"method_{key}_open"] = True
    at.run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 6
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    shares = provenance_shares(prov)
    fig = figures(at)[0]
    ill = next(tr for tr in fig["data"] if tr["name"] == "Illustrative")
    assert ill["x"] == pytest.approx(shares["share_illustrative"].tolist())
    src = sources(load_published())
    links = at.dataframe[-1].value
    assert links["url"].tolist() == src["source"].tolist()
    assert any("ASSUMED" in w.value or "assumed" in w.value.lower() for w in at.warning)
    frames = [d.value for d in at.dataframe]
    merged = next(f for f in frames if "Formed from" in f.columns)
    row = merged[merged["Code"] == "31"].iloc[0]
    assert row["Formed from"] == "Hải Dương, Hải Phòng"
    # reconciliations: the published total beside its recomputation
    recon = next(f for f in frames if "Recomputed" in f.columns)
    hcm = recon[recon["Province"] == "TP. Hồ Chí Minh"].iloc[0]
    assert (hcm["Edition"], hcm["Published"], hcm["Recomputed"]) == ("2022", "0.7163", "0.7164")
    assert hcm["Difference"] == "\u22120.0001" and hcm["Within ±0.0001"] == "Yes"
    # derived figures, with the derivation in words and the sources
    derived = next(f for f in frames if "Derivation" in f.columns)
    hd = derived[(derived["Province"] == "Hải Dương") & (derived["Edition"] == "2021")].iloc[0]
    assert hd["Figure"] == "rank 14" and "14th twice and 13th once" in hd["Derivation"]
    assert "baohaiduong" in hd["Sources"]


def test_methodology_in_vietnamese(app_env):
    at = run_page("methodology", "vi")
    assert not at.exception
    assert any("GIẢ ĐỊNH" in w.value for w in at.warning)
    assert any("Nghị quyết 202/2025/QH15" in m.value for m in at.markdown)
