"""Rankings' projector view (issue 17): top 20 plus the home province's neighbourhood in
large type by default, the full list one click away, the view in the URL."""

import pandas as pd
import pytest

from data.provinces import provinces
from data.store import Store
from metrics.tables import projector_view
from tests.test_pages_more import HOME_CODE, figures, run_page


@pytest.fixture
def ds(fresh_app):
    from app.dataset import load_dataset

    s = Store()
    s.seed_if_empty()
    return load_dataset(s)


def _dti(ds, edition: int = 2024) -> pd.DataFrame:
    r = ds.ranked
    part = r[(r["edition"] == edition) & (r["unit_set"] == "63") & (r["indicator"] == "dti")]
    return part.sort_values(["rank", "province_code"]).reset_index(drop=True)


def _bars(fig: dict) -> dict:
    return next(d for d in fig["data"] if d.get("orientation") == "h")


def test_projector_view_is_the_default_top_20_with_large_labels(ds):
    at = run_page("rankings", "vi", edition="2024")
    assert not at.exception, at.exception
    assert at.query_params["view"] in ("top", ["top"])
    fig = figures(at)[0]
    labels = _bars(fig)["y"][::-1]  # best first
    dti = _dti(ds)
    names = {p.code: p.name for p in provinces("63")}
    want = [f"{int(r)}. {names[c]}" for r, c in zip(dti["rank"], dti["province_code"], strict=True)]
    home_rank = int(dti.loc[dti["province_code"] == HOME_CODE, "rank"].iloc[0])
    assert home_rank <= 20  # Hải Dương is 13th in 2024: the top 20 holds it
    assert labels == want[:20]
    lay = fig["layout"]
    sizes = [
        lay["yaxis"]["tickfont"]["size"],
        lay["xaxis"]["tickfont"]["size"],
        lay["font"]["size"],
        _bars(fig)["textfont"]["size"],
        lay["title"]["subtitle"]["font"]["size"],
    ]
    assert min(sizes) >= 18, sizes
    # The full list is one click away, and the choice goes to the URL
    at.button(key="rankings_show_all").click().run()
    assert not at.exception
    assert at.query_params["view"] in ("chart", ["chart"])
    full = _bars(figures(at)[0])["y"][::-1]
    assert len(full) == len(dti) == 63 and full == want


def test_projector_view_adds_a_low_ranked_home_province_and_its_neighbours(ds, monkeypatch):
    dti = _dti(ds)
    home = dti.iloc[37]  # 38th in the ranked order
    names = {p.code: p.name for p in provinces("63")}
    monkeypatch.setenv("DTI_HOME_PROVINCE", names[home["province_code"]])
    at = run_page("rankings", "en", edition="2024", view="top")
    assert not at.exception, at.exception
    labels = _bars(figures(at)[0])["y"][::-1]
    pos = [*range(20), *range(35, 40)]
    assert labels == [
        f"{int(dti.loc[i, 'rank'])}. {names[dti.loc[i, 'province_code']]}" for i in pos
    ]
    assert f"{int(home['rank'])}. {names[home['province_code']]}" in labels


def test_projector_rows_pure():  # no store needed
    view = pd.DataFrame(
        {
            "province_code": [f"{i:02d}" for i in range(1, 31)],
            "rank": pd.array(range(1, 31), dtype="Int64"),
            "score": [1 - i / 100 for i in range(30)],
        }
    )
    assert projector_view(view, "05")["rank"].tolist() == list(range(1, 21))
    assert projector_view(view, "28")["rank"].tolist() == [*range(1, 21), 26, 27, 28, 29, 30]
    assert projector_view(view, "22", top=3, around=1)["rank"].tolist() == [1, 2, 3, 21, 22, 23]
    assert projector_view(view, None, top=5)["rank"].tolist() == [1, 2, 3, 4, 5]


def test_a_bad_view_in_the_url_falls_back_to_the_projector_view(ds):
    at = run_page("rankings", "vi", edition="2024", view="bogus")
    assert not at.exception
    assert at.query_params["view"] in ("top", ["top"])
    assert at.selectbox(key="q_view").value == "top"
