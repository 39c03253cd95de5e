"""metrics.select: the rows a page shows, picked outside the page."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.select import row_where, rows_where


def test_rows_where_and_row_where_pick_what_a_page_shows():
    frame = pd.DataFrame(
        {
            "province_code": ["01", "30", "30"],
            "indicator": ["dti", "dti", "gov"],
            "rank": [1, 9, 4],
        },
        index=[10, 11, 12],
    )
    assert list(rows_where(frame, province_code="30").index) == [11, 12]
    assert rows_where(frame, province_code="30", indicator="gov")["rank"].tolist() == [4]
    assert rows_where(frame, province_code="99").empty
    assert list(rows_where(frame).index) == [10, 11, 12]
    me = row_where(frame, province_code="30", indicator="dti")
    assert me.name == 11 and me["rank"] == 9
    with pytest.raises(IndexError):
        row_where(frame, province_code="99")
