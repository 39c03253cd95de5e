"""Phương pháp / Methodology: frameworks per edition, formulas, the merger, sources and
how much of what is shown is published, uploaded or illustrative.

Data strings (URLs, framework notes) go through st.dataframe / st.text, never markdown
or HTML.
"""

import streamlit as st

from charts.method import (
    derived_display,
    framework_display,
    merger_display,
    provenance_bars,
    reconcile_display,
    shares_display,
    sources_display,
)
from data.frameworks import ALL_INDICATORS
from data.store import load_published
from i18n import t
from metrics.method import (
    derived_figures,
    framework_rows,
    merger_rows,
    provenance_shares,
    reconciliations,
    sources,
)
from metrics.scoring import reconcile
from views._shared import chart, current_lang, dataset, memo, provenance_table, shown_table


@st.cache_data(show_spinner=False)
def _published():  # noqa: ANN202 - bundled file, fixed for the process's life
    return load_published()


# Inputs
lang = current_lang()
ds = dataset()
prov = provenance_table()
published = _published()

# Compute
shares = memo(ds, "method_shares", (), lambda: provenance_shares(prov))
src = memo(ds, "method_sources", (), lambda: sources(published))
merger = memo(ds, "method_merger", (), lambda: merger_rows(ds.units))
recon = memo(
    ds,
    "method_recon",
    (),
    lambda: reconciliations(reconcile(ds.values, ds.scores), ds.values, ds.units),
)
derived = memo(ds, "method_derived", (), lambda: derived_figures(published, ds.units))
labels = memo(
    ds,
    "method_labels",
    (lang,),
    lambda: {c: ds.frameworks[max(ds.frameworks)].get(c).label(lang) for c in ALL_INDICATORS},
)


def folded_table(key: str, name: str, n: int, build, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A table of ``n`` rows folded under "Show the table": built and sent only while open."""
    box = st.expander(t("method.show_rows", lang, n=n), on_change="rerun", key=key)
    if box.open:
        box.dataframe(
            shown_table(ds, name, (lang,), build), hide_index=True, width="stretch", **kwargs
        )


# Draw
st.title(t("method.title", lang))
st.caption(t("method.caption", lang))

st.subheader(t("method.frameworks", lang))
latest_first = sorted(ds.frameworks.items(), reverse=True)
# Lazy: only the open tab's edition is built and sent (choosing a tab reruns the page).
tabs = st.tabs(
    [str(e) + (" ⚠" if fw.assumed else "") for e, fw in latest_first],
    on_change="rerun",
    key="method_edition",
)
for tab, (edition, fw) in zip(tabs, latest_first, strict=True):
    if not tab.open:
        continue
    with tab:
        if fw.assumed:
            st.warning(t("method.assumed", lang, year=edition), icon="⚠️")
        st.dataframe(
            shown_table(
                ds,
                "method_framework",
                (edition, lang),
                lambda fw=fw: framework_display(
                    framework_rows(fw), {i.code: i.label(lang) for i in fw.indicators}, lang
                ),
            ),
            hide_index=True,
            width="stretch",
        )
        # The legal basis as recorded (it may carry working notes): a click away, verbatim.
        with st.expander(t("method.basis_label", lang)):
            st.text(fw.basis_line(lang))  # official / assumed / declared by NAME on DATE
        prev = max((e for e in ds.frameworks if e < edition), default=None)
        if prev is not None:
            same = fw.comparable_with(ds.frameworks[prev])
            st.caption(
                t(
                    f"method.{'comparable' if same else 'not_comparable'}",
                    lang,
                    year=edition,
                    prev=prev,
                )
            )

st.subheader(t("method.formulas", lang))
st.markdown(t("method.formula_text", lang))

st.subheader(t("method.merger", lang))
st.markdown(t("method.merger_text", lang))
folded_table(
    "method_merger_open", "method_merger_t", len(merger), lambda: merger_display(merger, lang)
)


st.markdown(t("method.pro_forma_text", lang, editions=", ".join(map(str, ds.pro_forma_editions))))

st.subheader(t("method.provenance", lang))
st.markdown(t("method.provenance_text", lang))
chart(
    memo(ds, "method_bars", (lang,), lambda: provenance_bars(shares, lang)), "method_shares", shares
)
st.dataframe(
    shown_table(ds, "method_shares_t", (lang,), lambda: shares_display(shares, lang)),
    hide_index=True,
    width="stretch",
)

st.subheader(t("method.derived", lang))
st.caption(t("method.derived_caption", lang))
folded_table(
    "method_derived_open",
    "method_derived_t",
    len(derived),
    lambda: derived_display(derived, labels, lang),
)


st.subheader(t("method.reconcile", lang))
st.caption(t("method.reconcile_caption", lang, n=len(recon)))
folded_table(
    "method_recon_open",
    "method_recon_t",
    len(recon),
    lambda: reconcile_display(recon, labels, lang),
)


st.subheader(t("method.sources", lang))
st.caption(t("method.sources_caption", lang, n=len(src)))
folded_table(
    "method_sources_open",
    "method_sources_t",
    len(src),
    lambda: sources_display(src, labels, lang),
    column_config={"url": st.column_config.LinkColumn(t("method.col.source", lang), width="large")},
)
