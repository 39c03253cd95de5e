"""AppTest smoke and value tests for every page, in both languages."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.dataset import build_dataset
from data.store import Store

REPO = Path(__file__).resolve().parents[1]
PAGES = ["overview", "rankings", "profile", "methodology"]


@pytest.fixture
def app_env(fresh_app):
    """A fresh store and empty caches (conftest's ``fresh_app``)."""


def run_page(page: str, lang: str = "vi") -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(str(REPO / "views" / f"{page}.py"))
    return at.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(app_env, page, lang):
    at = run_page(page, lang)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


def test_overview_shows_metrics_values(app_env, tmp_path):
    at = run_page("overview", "vi")
    s = Store()
    ds = build_dataset(s.load_values())
    r = ds.ranked.set_index(["edition", "unit_set", "province_code", "indicator"])
    rank = int(r.loc[(2024, "63", "30", "dti"), "rank"])
    score = r.loc[(2024, "63", "30", "dti"), "score"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Thứ hạng DTI 2024"] == f"{rank}/63"
    assert metrics["Điểm DTI 2024"] == f"{score:.4f}".replace(".", ",")
    assert at.title[0].value.startswith("Hải Dương trong bảng xếp hạng DTI")
    assert "giá trị" in at.warning[0].value  # the illustrative banner
    figs = at.get("plotly_chart")
    assert len(figs) == 2


def test_overview_in_english(app_env):
    at = run_page("overview", "en")
    labels = [m.label for m in at.metric]
    assert "DTI rank 2024" in labels
    assert at.title[0].value == "Hải Dương in the provincial DTI ranking"


def test_rankings_page_values_and_url_state(app_env):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update(
        {"lang": "vi", "edition": "2022", "measure": "dti", "view": "table", "region": "DBSH"}
    )
    at.switch_page(str(REPO / "views" / "rankings.py"))
    at.run()
    assert not at.exception
    df = at.dataframe[0].value
    df = getattr(df, "data", df)  # a Styler -> its frame
    # Red River Delta only, national ranks kept: Quảng Ninh 3, Hải Dương 13
    ranks = dict(zip(df["Tỉnh, thành phố"], df["Hạng"], strict=True))
    assert ranks["Quảng Ninh"] == 3 and ranks["Hải Dương"] == 13
    assert set(df["Vùng"]) == {"Đồng bằng sông Hồng"}
    # The whole region from the registry, its leaders Hà Nội and Hải Phòng included
    from data.provinces import provinces

    dbsh = {p.name for p in provinces("63") if p.region_code == "DBSH"}
    assert set(df["Tỉnh, thành phố"]) == dbsh and len(dbsh) == 11
    assert {"Hà Nội", "Hải Phòng"} <= dbsh
    assert df.set_index("Tỉnh, thành phố").loc["Hải Dương", "Chỉ số DTI cấp tỉnh"] == "0,6383"
    # widgets -> URL
    at.selectbox(key="q_edition").set_value(2020).run()
    assert at.query_params["edition"] == "2020"
    df = at.dataframe[0].value
    df = getattr(df, "data", df)
    assert dict(zip(df["Tỉnh, thành phố"], df["Hạng"], strict=True))["Hải Dương"] == 14
    at.text_input(key="q").set_value("hai duong").run()
    df = getattr(at.dataframe[0].value, "data", at.dataframe[0].value)
    assert list(df["Tỉnh, thành phố"]) == ["Hải Dương"]
    assert at.query_params["q"] == "hai duong"


def test_rankings_views_pure():
    from data.provinces import normalise
    from data.store import load_bundle
    from metrics.provenance import provenance
    from metrics.tables import filter_view, rankings_view

    ds = build_dataset(load_bundle())
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    v = rankings_view(ds.ranked, prov, 2022, "63", "dti", ds.units_of("63"))
    assert len(v) == 63 and v["rank"].iloc[0] == 1 and v["province"].iloc[0] == "Đà Nẵng"
    assert v["rank"].is_monotonic_increasing
    hd = v[v["province_code"] == "30"].iloc[0]
    assert (hd["score"], hd["rank"], hd["tier"], hd["kind"]) == (0.6383, 13, 1, "published")
    assert v[v["province_code"] == "01"]["kind"].iloc[0] == "illustrative"
    f = filter_view(v, ["DBSH"], "ha", key=normalise)
    assert set(f["province"]) == {"Hà Nội", "Hải Dương", "Hải Phòng", "Hà Nam", "Thái Bình"}
    assert f["rank"].tolist() == sorted(f["rank"].tolist())


def test_every_chart_offers_png_svg_and_data_downloads(app_env):
    at = run_page("overview", "en")
    assert len(at.get("plotly_chart")) == 2
    assert not at.get("download_button")  # lazy: built only while a menu is open
    for k in ("score_spread_dl", "rank_path_dl"):  # the user opens each chart's menu
        at.session_state[k] = True
    at.run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download PNG") == 2 and labels.count("Download SVG") == 2
    assert labels.count("Download CSV") == 2 and labels.count("Download Excel") == 2


def test_a_fall_in_rank_reads_as_a_fall(app_env):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update({"lang": "en", "province": "30", "edition": "2023", "unit": "63"})
    at.switch_page(str(REPO / "views" / "profile.py"))
    at.run()
    rank = next(m for m in at.metric if m.label == "Rank")
    assert rank.value == "14/63"
    assert rank.proto.delta == "-1 places"  # 13 -> 14: Streamlit draws a red down arrow


def test_chart_data_downloads_are_valid_files():
    """The frames behind the charts export as CSV and XLSX (what the buttons hand out)."""
    import io

    from data.export import table_bytes
    from data.store import load_bundle
    from data.tilegrid import tile_grid
    from metrics.compare import rank_paths, slope
    from metrics.geo import map_tiles
    from metrics.provenance import provenance
    from metrics.trajectory import trajectory

    ds = build_dataset(load_bundle())
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    frames = {
        "tiles": map_tiles(ds.ranked, prov, tile_grid("63"), ds.units, 2024, "63", "dti"),
        "paths": rank_paths(ds.ranked, prov, ["30", "31"], "63"),
        "slope": slope(ds.ranked, prov, ["30", "31"], 2020, 2024, "63"),
        "traj": trajectory(ds.ranked, prov, "30", "63"),
    }
    for name, frame in frames.items():
        csv_bytes = table_bytes(frame, "csv")
        assert csv_bytes.startswith(b"\xef\xbb\xbf"), name  # BOM: Excel reads Vietnamese
        back = pd.read_excel(io.BytesIO(table_bytes(frame, "xlsx", name)), engine="openpyxl")
        assert len(back) == len(frame), name
    traj = frames["traj"].set_index("edition")
    assert traj.loc[2022, "score"] == 0.6383 and traj.loc[2022, "rank"] == 13


def test_profile_what_if_runs_only_when_opened(app_env):
    # Lazy: closed, no sliders are sent and no what-if ranking is computed.
    at = run_page("profile", "en")
    assert len(at.select_slider) == 0  # select sliders: their values use the formatter
    assert "What-if rank" not in [m.label for m in at.metric]
    at.session_state["whatif_open"] = True
    at.run()
    assert not at.exception, at.exception
    assert len(at.select_slider) == 8  # the eight main indices of 2024
    metrics = {m.label: m.value for m in at.metric}
    # Sliders at the current values: the what-if rank is the rank shown above.
    assert metrics["What-if rank"] == metrics["Rank"]


def test_overview_banner_counts_every_kind(app_env):
    """The banner counts scores and ranks of each of the five kinds, as the metrics do."""
    from metrics.provenance import shown_kind_counts

    at = run_page("overview", "en")
    ds = build_dataset(Store().load_values())
    kinds = shown_kind_counts(ds.provenance())
    assert kinds["derived"] >= 1 and kinds["pro-forma"] > 0  # Hải Dương 2021; the 34 series
    line = next(c.value for c in at.caption if c.value.startswith("Where the "))
    for kind, n in kinds.items():
        assert f"{n:,} {kind}" in line, (kind, n, line)


def test_rankings_page_offers_the_pro_forma_34_set(app_env):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update({"lang": "en", "edition": "2021", "unit": "34", "view": "table"})
    at.switch_page(str(REPO / "views" / "rankings.py"))
    at.run()
    assert not at.exception, at.exception
    assert any("34-unit group is pro-forma" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert len(table) == 34
    assert set(table["Rank provenance"]) == {"Pro-forma"}
