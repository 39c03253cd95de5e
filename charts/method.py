"""The methodology page's figure and display tables (formatting only, no maths)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts.theme import KIND_PATTERN, apply
from i18n import fmt_int, fmt_num, fmt_pct, t
from metrics.provenance import KINDS

KIND_COLOURS = {
    "published": "#0072B2",
    "uploaded": "#009E73",
    "derived": "#E69F00",
    "pro-forma": "#CC79A7",
    "illustrative": "#CBD2D9",
}


def _unit_label(unit_set: str, lang: str) -> str:
    return t("method.unit_short", lang, n=unit_set)


def provenance_bars(shares: pd.DataFrame, lang: str) -> go.Figure:
    """One stacked horizontal bar per (edition, unit set): share of scores by kind."""
    ylab = [
        f"{e} · {_unit_label(u, lang)}"
        for e, u in zip(shares["edition"], shares["unit_set"], strict=True)
    ]
    fig = go.Figure()
    for kind in KINDS:
        fig.add_trace(
            go.Bar(
                y=ylab,
                x=shares[f"share_{kind}"],
                orientation="h",
                name=t(f"prov.{kind}", lang),
                marker=dict(
                    color=KIND_COLOURS[kind],
                    pattern=dict(shape=KIND_PATTERN[kind], fgcolor="#7B8794"),
                ),
                text=[fmt_pct(s, lang) if s >= 0.04 else "" for s in shares[f"share_{kind}"]],
                textposition="inside",
                insidetextanchor="middle",
                customdata=[
                    t(
                        "method.share_hover",
                        lang,
                        count=fmt_int(c, lang),
                        n=fmt_int(n, lang),
                        share=fmt_pct(s, lang),
                    )
                    for c, n, s in zip(
                        shares[kind], shares["n"], shares[f"share_{kind}"], strict=True
                    )
                ],
                hovertemplate="%{y}: %{customdata}<extra>" + t(f"prov.{kind}", lang) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title=t("method.share_axis", lang))
    fig.update_yaxes(autorange="reversed", title=None, gridcolor="rgba(0,0,0,0)")
    return apply(fig, t("method.share_title", lang), lang, height=380)


def framework_display(rows: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """``metrics.method.framework_rows`` as a translated table."""

    def names(codes: tuple[str, ...]) -> str:
        return ", ".join(labels[c] for c in codes) if codes else "–"

    return pd.DataFrame(
        {
            t("method.col.indicator", lang): [labels[c] for c in rows["indicator"]],
            t("method.col.group", lang): [t(f"method.group.{g}", lang) for g in rows["group"]],
            t("method.col.points", lang): [fmt_num(p, lang, 0) for p in rows["points"]],
            t("method.col.weight", lang): [fmt_pct(s, lang) for s in rows["share"]],
            t("method.col.pillars", lang): [names(p) for p in rows["pillars"]],
            t("method.col.members", lang): [names(m) for m in rows["members"]],
        }
    )


def sources_display(src: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """``metrics.method.sources`` as a table whose first column holds the links."""
    return pd.DataFrame(
        {
            "url": src["source"].tolist(),
            t("method.col.site", lang): src["site"].tolist(),
            t("method.col.figures", lang): src["n"].astype(int).tolist(),
            t("method.col.editions", lang): [
                ", ".join(str(e) for e in es) for es in src["editions"]
            ],
            t("method.col.indicators", lang): [
                ", ".join(labels.get(i, i) for i in inds) for inds in src["indicators"]
            ],
        }
    )


def merger_display(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``metrics.method.merger_rows`` (merged units only) as a translated table."""
    merged = rows[rows["merged"]]
    return pd.DataFrame(
        {
            t("method.col.code", lang): merged["code"].tolist(),
            t("method.col.unit34", lang): merged["name"].tolist(),
            t("method.col.formed_from", lang): [", ".join(n) for n in merged["predecessor_names"]],
        }
    )


def shares_display(shares: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``metrics.method.provenance_shares`` as a translated table."""
    out = {
        t("col.edition", lang): shares["edition"].astype(str).tolist(),
        t("method.col.unit_set", lang): [_unit_label(u, lang) for u in shares["unit_set"]],
        t("method.col.n", lang): [fmt_int(n, lang) for n in shares["n"]],
    }
    for kind in KINDS:
        out[t(f"prov.{kind}", lang)] = [
            f"{fmt_int(c, lang)} ({fmt_pct(s, lang)})"
            for c, s in zip(shares[kind], shares[f"share_{kind}"], strict=True)
        ]
    return pd.DataFrame(out)


def reconcile_display(rows: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """``metrics.method.reconciliations`` as a translated table (both values shown)."""
    return pd.DataFrame(
        {
            t("col.edition", lang): rows["edition"].astype(str).tolist(),
            t("col.province", lang): rows["province"].tolist(),
            t("method.col.indicator", lang): [labels.get(i, i) for i in rows["indicator"]],
            t("method.col.published", lang): [fmt_num(v, lang) for v in rows["published"]],
            t("method.col.recomputed", lang): [fmt_num(v, lang) for v in rows["recomputed"]],
            t("method.col.diff", lang): [fmt_num(v, lang, 4) for v in rows["diff"]],
            t("method.col.within", lang): [
                t("method.yes" if ok else "method.no", lang) for ok in rows["ok"]
            ],
            t("method.col.source", lang): rows["source"].tolist(),
        }
    )


def derived_display(rows: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """``metrics.method.derived_figures`` as a translated table (derivation in words)."""
    return pd.DataFrame(
        {
            t("col.edition", lang): rows["edition"].astype(str).tolist(),
            t("col.province", lang): rows["province"].tolist(),
            t("method.col.indicator", lang): [labels.get(i, i) for i in rows["indicator"]],
            t("method.col.figure", lang): [
                (t("method.rank_of", lang, rank=int(float(v))) if k == "rank" else fmt_num(v, lang))
                for k, v in zip(rows["kind"], rows["value"], strict=True)
            ],
            t("method.col.derivation", lang): rows["derivation"].tolist(),
            t("method.col.sources", lang): rows["source"].tolist(),
        }
    )


def share_lines(row: pd.Series, edition: int, lang: str) -> list[str]:
    """The method slide's provenance lines: the shares of published, uploaded and
    illustrative values, then derived and pro-forma ones when there are any."""
    lines = [
        t(
            "deck.share_line",
            lang,
            year=edition,
            published=fmt_pct(row["share_published"], lang),
            uploaded=fmt_pct(row["share_uploaded"], lang),
            illustrative=fmt_pct(row["share_illustrative"], lang),
        )
    ]
    if row["derived"] or row["pro-forma"]:
        lines.append(
            t(
                "deck.share_line_more",
                lang,
                derived=fmt_pct(row["share_derived"], lang),
                pro_forma=fmt_pct(row["share_pro-forma"], lang),
            )
        )
    return lines
