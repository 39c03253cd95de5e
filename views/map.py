"""Bản đồ / Map: a tile-grid map of the provinces, coloured by score, rank or tier."""

import pandas as pd
import streamlit as st

from charts.map import tile_map
from data.tilegrid import island_tiles, tile_grid
from i18n import fmt_int, fmt_num, fmt_rank, t
from metrics.geo import MAP_MEASURES, kind_counts, map_tiles
from metrics.select import row_where
from views._shared import (
    chart,
    current_lang,
    dataset,
    editions_of,
    home,
    memo,
    official_mode,
    pro_forma_label,
    pro_forma_note,
    provenance_table,
    query_choice,
    shown_table,
    unit_set_choice,
)

INDICATORS = ["dti", "gov", "econ", "soc"]

# Inputs
lang = current_lang()
ds = dataset()
prov = provenance_table()
st.title(t("map.title", lang))
c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
unit_set = unit_set_choice(ds, c1, lang)
editions = editions_of(ds, unit_set)[::-1]
edition = query_choice(
    "edition",
    editions,
    c2,
    t("rankings.edition", lang),
    cast=int,
    fmt=lambda e: pro_forma_label(ds, e, unit_set, lang),
)
fw = ds.frameworks[edition]
indicator = query_choice(
    "ind", INDICATORS, c3, t("rankings.measure", lang), fmt=lambda i: fw.get(i).label(lang)
)
measure = query_choice(
    "colour",
    list(MAP_MEASURES),
    c4,
    t("map.colour_by", lang),
    fmt=lambda m: t(f"map.measure.{m}", lang),
)
H = home()
home_code = H.code(unit_set)
pro_forma_note(ds, edition, unit_set, lang)

# Compute
tiles = memo(
    ds,
    "map_tiles",
    (edition, unit_set, indicator),
    lambda: map_tiles(ds.ranked, prov, tile_grid(unit_set), ds.units, edition, unit_set, indicator),
)
counts = memo(ds, "map_counts", (edition, unit_set, indicator), lambda: kind_counts(tiles))
me = row_where(tiles, code=home_code)


def _table() -> pd.DataFrame:
    table = tiles.dropna(subset=["rank"]).sort_values(["rank", "name"])
    return pd.DataFrame(
        {
            t("col.rank", lang): [fmt_rank(r, None, lang) for r in table["rank"]],
            t("col.province", lang): table["name"].tolist(),
            t("col.score", lang): [fmt_num(s, lang) for s in table["score"]],
            t("col.provenance", lang): [
                t(f"prov.{k}", lang) if isinstance(k, str) else "–" for k in table["kind"]
            ],
        }
    )


# Draw
label = fw.get(indicator).label(lang)
if counts["illustrative"]:
    st.caption(
        t(
            "map.illustrative_note",
            lang,
            n=fmt_int(counts["illustrative"], lang),
            total=fmt_int(len(tiles), lang),
        )
    )
left, right = st.columns([2, 1])
with left:
    fig = memo(
        ds,
        "map",
        (edition, unit_set, indicator, measure, home_code, lang),
        lambda: tile_map(
            tiles,
            island_tiles(unit_set),
            measure,
            home_code,
            label,
            t("map.chart_title", lang, measure=label, year=edition, n=len(tiles)),
            lang,
            height=760 if unit_set == "63" else 700,
        ),
    )
    event = chart(
        fig,
        f"map_{unit_set}",
        tiles,
        name=f"dti_map_{edition}_{unit_set}",
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False},
    )
with right:
    st.info(t("map.click_hint", lang), icon=":material/touch_app:")
    if unit_set == "34":
        st.caption(t("map.successor_note", lang, name=me["name"], home=H.name("63")))
    st.metric(
        t("map.home_metric", lang, name=me["name"], year=edition),
        fmt_rank(me["rank"], me["n"], lang),
        help=t("map.home_help", lang, score=fmt_num(me["score"], lang)),
    )
    st.dataframe(
        shown_table(ds, "map_table", (edition, unit_set, indicator, lang), _table),
        hide_index=True,
        width="stretch",
        height=560,
    )

points = event.selection.points if event else []
if points:
    picked = points[0].get("customdata")
    code = picked[0] if isinstance(picked, list) else picked
    if code in set(tiles["code"]):
        st.switch_page(
            "views/profile.py",
            query_params={
                "province": code,
                "unit": unit_set,
                "edition": str(edition),
                "lang": lang,
                **({"official": "1"} if official_mode() else {}),
            },
        )
