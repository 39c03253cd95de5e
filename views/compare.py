"""So sánh / Compare: up to six provinces across editions of one unit set (63 or 34);
the set follows the chosen edition (?unit=), else the latest edition's."""

import streamlit as st

from charts.compare import bump, side_table, slope_chart
from data.frameworks import ALL_INDICATORS
from i18n import t
from metrics.compare import (
    MAX_COMPARED,
    latest_comparable_pair,
    nearest,
    parse_codes,
    rank_paths,
    region_preset,
    side_by_side,
    slope,
)
from metrics.select import row_where
from views._shared import (
    chart,
    current_lang,
    dataset,
    editions_of,
    home,
    memo,
    provenance_table,
    query_choice,
    query_codes,
    set_query,
    shown_table,
    unit_names,
    unit_set_choice,
)

TABLE_ORDER = ["dti", "gov", "econ", "soc"] + [
    i for i in ALL_INDICATORS if i not in ("dti", "gov", "econ", "soc")
]

# Inputs
lang = current_lang()
ds = dataset()
prov = provenance_table()
st.title(t("compare.title", lang))
# The unit set follows the chosen edition (Rankings' ?unit= carries over), else the latest
# edition's (a 34-only edition such as 2025 opens on the 34 set); 63 first when both.
UNIT_SET = unit_set_choice(ds, st.columns([2, 2])[0], lang)
HOME = home().code(UNIT_SET)
home_name = home().name(UNIT_SET)
units = ds.units_of(UNIT_SET, lang)
names = unit_names(ds, UNIT_SET, lang)
editions = editions_of(ds, UNIT_SET)
latest = editions[-1]
region, region_label = memo(
    ds,
    "home_region",
    (UNIT_SET, HOME, lang),
    lambda: tuple(row_where(units, province_code=HOME)[["region_code", "region"]]),
)
st.caption(
    t("compare.caption", lang, n=MAX_COMPARED, home=home_name, unit=t(f"unit.{UNIT_SET}", lang))
)

nearest_default = [
    HOME,
    *memo(ds, "nearest", (HOME, latest), lambda: nearest(ds.ranked, HOME, latest, UNIT_SET)),
]
if "cmp_p" not in st.session_state:
    st.session_state["cmp_p"] = (
        query_codes("p", lambda raw: parse_codes(raw, names)) or nearest_default
    )
preset, leaders, whole = memo(
    ds,
    "region_preset",
    (HOME, region, latest, UNIT_SET),
    lambda: region_preset(ds.ranked, ds.units, HOME, region, latest, UNIT_SET),
)
preset_words = t(
    "compare.preset_region_whole" if whole else "compare.preset_region_leaders",
    lang,
    year=latest,
    home=home_name,
    region=region_label,
    leaders=", ".join(names[c] for c in leaders),
    n=MAX_COMPARED,
)
b1, b2, _ = st.columns([1, 1, 2])
if b1.button(region_label, help=preset_words, key="cmp_region"):
    st.session_state["cmp_p"] = preset
if b2.button(
    t("compare.preset_nearest", lang),
    help=t("compare.preset_nearest_help", lang, year=latest, home=home_name),
):
    st.session_state["cmp_p"] = nearest_default
st.caption(preset_words)
chosen = st.multiselect(
    t("compare.provinces", lang),
    list(names),
    key="cmp_p",
    max_selections=MAX_COMPARED,
    format_func=names.get,
)
set_query("p", ",".join(chosen))
e1, e2, _ = st.columns([1, 1, 2])
# Opens on the latest pair of editions scored by the same method (e.g. 2023 -> 2024).
latest_pair = latest_comparable_pair(ds.frameworks, editions)
any_comparable = ds.frameworks[latest_pair[1]].comparable_with(ds.frameworks[latest_pair[0]])
first = query_choice(
    "from", editions, e1, t("compare.from", lang), cast=int, default=latest_pair[0]
)
last = query_choice(
    "to", editions[::-1], e2, t("compare.to", lang), cast=int, default=latest_pair[1]
)

if not any_comparable:
    st.info(t("compare.none_comparable", lang, unit=t(f"unit.{UNIT_SET}", lang)))
if not chosen:
    st.info(t("compare.empty", lang))
    st.stop()

# Compute
key = (tuple(chosen), first, last)
paths = memo(ds, "cmp_paths", key[:1], lambda: rank_paths(ds.ranked, prov, chosen, UNIT_SET))
sl = memo(ds, "cmp_slope", key, lambda: slope(ds.ranked, prov, chosen, first, last, UNIT_SET))
fw = ds.frameworks[last]
indicators = [i for i in TABLE_ORDER if i in fw.codes]
sbs = memo(
    ds,
    "cmp_side",
    (*key, tuple(indicators)),
    lambda: side_by_side(ds.ranked, prov, chosen, last, indicators, UNIT_SET),
)
comparable = fw.comparable_with(ds.frameworks[first])

# Draw
left, right = st.columns(2)
with left:
    chart(
        memo(ds, "cmp_bump", (*key[:1], HOME, lang), lambda: bump(paths, names, HOME, lang)),
        "cmp_bump",
        paths,
    )
with right:
    chart(
        memo(
            ds,
            "cmp_slope_chart",
            (*key, HOME, lang),
            lambda: slope_chart(sl, names, HOME, first, last, lang),
        ),
        "cmp_slope",
        sl,
    )
if not comparable:
    st.warning(t("compare.not_comparable", lang, first=first, last=last), icon="⚠️")
st.subheader(t("compare.table_title", lang, year=last))
st.dataframe(
    shown_table(
        ds,
        "cmp_side_table",
        (*key, tuple(indicators), lang),
        lambda: side_table(sbs, names, {i: fw.get(i).label(lang) for i in indicators}, lang),
    ),
    hide_index=True,
    width="stretch",
)
st.caption(t("compare.table_note", lang))
