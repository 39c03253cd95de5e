"""Downloads as a reader sees them: province names, headers in the page's language,
numbers as numbers (issue 17)."""

import io

import openpyxl
import pandas as pd

from app.dataset import build_dataset
from app.exports import export_frame, rankings_export
from data.export import table_bytes
from data.provinces import by_code
from data.store import load_bundle
from metrics.provenance import provenance
from metrics.tables import rankings_view


def _view(ds, lang: str, measure: str = "dti") -> pd.DataFrame:
    prov = provenance(ds.values, ds.scores, ds.frameworks)
    return rankings_view(ds.ranked, prov, 2022, "63", measure, ds.units_of("63", lang))


def test_rankings_export_vi_named_numeric_and_xlsx_cells_are_numbers():
    ds = build_dataset(load_bundle())
    out = rankings_export(_view(ds, "vi"), "dti", "Chỉ số DTI cấp tỉnh", "vi")
    assert list(out.columns)[:5] == [
        "Hạng",
        "Tỉnh, thành phố",
        "Mã tỉnh",
        "Vùng",
        "Chỉ số DTI cấp tỉnh",
    ]
    hd = out.set_index("Tỉnh, thành phố").loc["Hải Dương"]
    assert hd["Hạng"] == 13 and hd["Chỉ số DTI cấp tỉnh"] == 0.6383 and hd["Mã tỉnh"] == "30"
    assert hd["Nguồn gốc điểm"] == "Đã công bố"
    assert len(out) == 63 and out["Tỉnh, thành phố"].notna().all()
    ws = openpyxl.load_workbook(io.BytesIO(table_bytes(out, "xlsx", "DTI"))).active
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "Hải Dương")
    assert row[header.index("Hạng")] == 13  # an int cell, not "13"
    assert row[header.index("Chỉ số DTI cấp tỉnh")] == 0.6383  # a float cell, not "0,6383"
    csv = table_bytes(out, "csv").decode("utf-8-sig")
    assert csv.splitlines()[0].startswith('Hạng,"Tỉnh, thành phố",Mã tỉnh,Vùng')
    assert "Hải Dương,30," in csv and ",0.6383," in csv


def test_rankings_export_english_component_adds_dti_score():
    ds = build_dataset(load_bundle())
    v = _view(ds, "en", "gov")
    out = rankings_export(v, "gov", "Digital government", "en")
    assert {"Rank", "Province", "Province code", "Region", "DTI score"} <= set(out.columns)
    hd = out.set_index("Province").loc["Hải Dương"]
    assert hd["DTI score"] == 0.6383
    assert hd["Region"] == "Red River Delta"


def test_chart_data_export_names_codes_and_translates_headers():
    ds = build_dataset(load_bundle())
    part = ds.ranked[(ds.ranked["edition"] == 2022) & (ds.ranked["unit_set"] == "63")]
    data = part[part["indicator"].isin(["dti", "gov"])][
        ["edition", "province_code", "indicator", "score", "rank"]
    ]
    vi = export_frame(data, "vi", "63", ds.frameworks)
    assert list(vi.columns) == ["Năm", "Mã tỉnh", "Tỉnh, thành phố", "Chỉ số", "Điểm", "Hạng"]
    row = vi[(vi["Mã tỉnh"] == "30") & (vi["Điểm"] == 0.6383)].iloc[0]
    assert row["Tỉnh, thành phố"] == "Hải Dương"
    assert row["Chỉ số"] == ds.frameworks[2022].get("dti").label("vi")
    assert pd.api.types.is_float_dtype(vi["Điểm"])
    en = export_frame(data, "en", "63", ds.frameworks)
    assert list(en.columns) == [
        "Edition",
        "Province code",
        "Province",
        "Indicator",
        "Score",
        "Rank",
    ]
    # Codes are named from the unit set's own registry: "15" is Yên Bái among 63, Lào Cai among 34
    leader = pd.DataFrame({"leader_code": ["15"], "leader_score": [0.5]})
    assert export_frame(leader, "en", "34")["Leader"].iloc[0] == by_code("34")["15"].name
    assert export_frame(leader, "en", "63")["Leader"].iloc[0] == "Yên Bái"
    assert export_frame(leader, "vi", "bogus")["Tỉnh dẫn đầu"].iloc[0] == "Yên Bái"
