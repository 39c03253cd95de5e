"""The province's own assessments: rankings of units, lost points, self vs appraised.

Pure functions over the stored shapes (no IO): ``nodes`` (code, parent_code, label_vi,
label_en, max_points, position), ``values`` long (unit_code, node_code, kind, value) with
kind self | appraised | final, ``units`` (code, name_vi, name_en, kind). Scores are points;
ranks are competition ranks on the 4-decimal final score (ties share the best rank).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.ranking import competition_rank

RANK_DECIMALS = 4


def _label_col(lang: str) -> str:
    return "label_en" if lang == "en" else "label_vi"


def node_labels(nodes: pd.DataFrame, lang: str = "vi") -> pd.Series:
    """code -> label in ``lang`` (English falls back to Vietnamese)."""
    lab = nodes[_label_col(lang)].where(nodes[_label_col(lang)].notna(), nodes["label_vi"])
    return pd.Series(lab.to_numpy(), index=nodes["code"].to_numpy())


def leaves(nodes: pd.DataFrame) -> pd.DataFrame:
    """The criteria: nodes that are nobody's parent, in file order."""
    parents = set(nodes["parent_code"].dropna())
    return nodes[~nodes["code"].isin(parents)].sort_values("position")


def top_nodes(nodes: pd.DataFrame) -> pd.DataFrame:
    """The main indices (groups): nodes without a parent, in file order."""
    return nodes[nodes["parent_code"].isna()].sort_values("position")


def _wide(values: pd.DataFrame, kind: str) -> pd.DataFrame:
    part = values[values["kind"] == kind]
    return part.pivot_table(index="unit_code", columns="node_code", values="value", aggfunc="first")


def unit_names(units: pd.DataFrame, lang: str = "vi") -> pd.Series:
    col = "name_en" if lang == "en" else "name_vi"
    names = units[col].where(units[col].notna() & (units[col] != ""), units["name_vi"])
    return pd.Series(names.to_numpy(), index=units["code"].to_numpy())


def rank_units(
    nodes: pd.DataFrame, values: pd.DataFrame, units: pd.DataFrame, lang: str = "vi"
) -> pd.DataFrame:
    """One row per unit with scores: unit, unit_code, kind (of unit), score (final points),
    self_score, appraised_score, max_points, rank, n; best first, ties by name.

    ``score`` sums the main indices' final points; ``self_score`` the self-assessed ones
    (missing when any is missing). Example: finals 450.25, 430, 430 -> ranks 1, 2, 2."""
    tops = list(top_nodes(nodes)["code"])
    max_points = float(top_nodes(nodes)["max_points"].sum())
    codes = sorted(set(values["unit_code"]))
    out = pd.DataFrame({"unit_code": codes})
    names = unit_names(units, lang)
    kinds = pd.Series(units["kind"].to_numpy(), index=units["code"].to_numpy())
    out["unit"] = out["unit_code"].map(names).fillna(out["unit_code"])
    out["unit_kind"] = out["unit_code"].map(kinds)
    for kind, col in (("final", "score"), ("self", "self_score"), ("appraised", "appraised_score")):
        w = _wide(values, kind).reindex(index=codes, columns=tops)
        total = w.sum(axis=1, min_count=len(tops)) if tops else pd.Series(np.nan, index=codes)
        out[col] = out["unit_code"].map(total.round(RANK_DECIMALS))
    out["max_points"] = max_points
    out["rank"] = competition_rank(out["score"].round(RANK_DECIMALS))
    out["n"] = int(out["score"].notna().sum())
    out = out.sort_values(["rank", "unit"], na_position="last").reset_index(drop=True)
    return out[
        [
            "unit",
            "unit_code",
            "unit_kind",
            "score",
            "self_score",
            "appraised_score",
            "max_points",
            "rank",
            "n",
        ]
    ]


def criteria_table(
    nodes: pd.DataFrame,
    values: pd.DataFrame,
    unit_code: str,
    lang: str = "vi",
    which: str = "leaves",
) -> pd.DataFrame:
    """Per criterion (``which`` = leaves) or main index (``which`` = top) of one unit:
    code, label, max_points, self_score, appraised_score, score (final), lost (max −
    final), gap (self − appraised; positive = over-claimed; missing without both)."""
    sel = leaves(nodes) if which == "leaves" else top_nodes(nodes)
    mine = values[values["unit_code"] == unit_code]
    get = {
        k: mine[mine["kind"] == k].set_index("node_code")["value"]
        for k in ("self", "appraised", "final")
    }
    out = pd.DataFrame(
        {
            "code": sel["code"].to_numpy(),
            "label": sel["code"].map(node_labels(nodes, lang)).to_numpy(),
            "max_points": sel["max_points"].astype(float).to_numpy(),
        }
    )
    out["self_score"] = out["code"].map(get["self"])
    out["appraised_score"] = out["code"].map(get["appraised"])
    out["score"] = out["code"].map(get["final"])
    out["lost"] = (out["max_points"] - out["score"]).round(RANK_DECIMALS)
    out["gap"] = (out["self_score"] - out["appraised_score"]).round(RANK_DECIMALS)
    return out


def lost_points(table: pd.DataFrame) -> pd.DataFrame:
    """Every criterion's lost points: code, label, max_points, score, lost (file order)."""
    return table[["code", "label", "max_points", "score", "lost"]].reset_index(drop=True)


def self_vs_appraised(table: pd.DataFrame) -> pd.DataFrame:
    """Criteria where self-assessment and appraisal differ: code, label, self_score, score
    (appraised = final), gap = self − appraised (positive = over-claimed)."""
    d = table[table["gap"].notna() & (table["gap"].abs() > 1e-9)]
    return d[["code", "label", "self_score", "score", "gap"]].reset_index(drop=True)


def most_to_gain(table: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` criteria with the most points still to gain (lost desc, then file order)."""
    t = table[table["lost"] > 1e-9].copy()
    t["_order"] = range(len(t))
    return (
        t.sort_values(["lost", "_order"], ascending=[False, True])
        .head(n)
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def comparable(nodes: pd.DataFrame, prev_nodes: pd.DataFrame, which: str = "top") -> bool:
    """Two editions can be compared when their main indices (``which`` = top) or all nodes
    carry the same codes and maxima."""
    sel = top_nodes if which == "top" else (lambda x: x)

    def key(n: pd.DataFrame) -> set[tuple[str, float]]:
        s = sel(n)
        return {
            (str(c), round(float(m), 4)) for c, m in zip(s["code"], s["max_points"], strict=True)
        }

    return bool(len(nodes)) and key(nodes) == key(prev_nodes)


def change_vs_previous(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """``rank_units`` output plus prev_score, prev_rank, score_change and rank_change
    (positive = climbed); missing where the unit was not ranked the year before or no
    comparable previous edition is given (None)."""
    out = current.copy()
    if previous is None or previous.empty:
        out["prev_score"] = np.nan
        out["prev_rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    else:
        p = previous.set_index("unit_code")
        out["prev_score"] = out["unit_code"].map(p["score"])
        out["prev_rank"] = out["unit_code"].map(p["rank"]).astype("Int64")
    out["score_change"] = (out["score"] - out["prev_score"]).round(RANK_DECIMALS)
    out["rank_change"] = (out["prev_rank"] - out["rank"]).astype("Int64")
    return out


def index_ranks(
    nodes: pd.DataFrame, values: pd.DataFrame, units: pd.DataFrame, lang: str = "vi"
) -> pd.DataFrame:
    """Main indices of every unit, long: unit_code, unit, code, label, max_points, score,
    rank (competition rank among units on that index)."""
    tops = top_nodes(nodes)
    w = _wide(values, "final").reindex(columns=list(tops["code"]))
    rows = []
    names = unit_names(units, lang)
    labels = node_labels(nodes, lang)
    for code, mx in zip(tops["code"], tops["max_points"], strict=True):
        col = w[code].round(RANK_DECIMALS) if code in w else pd.Series(dtype=float)
        ranks = competition_rank(col)
        for u, s in col.items():
            rows.append(
                {
                    "unit_code": u,
                    "unit": names.get(u, u),
                    "code": code,
                    "label": labels[code],
                    "max_points": float(mx),
                    "score": s,
                    "rank": ranks[u],
                }
            )
    return pd.DataFrame(
        rows, columns=["unit_code", "unit", "code", "label", "max_points", "score", "rank"]
    )


def biggest_gains(changes: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` units whose final score rose most against the previous edition."""
    c = changes.dropna(subset=["score_change"])
    return c.sort_values(["score_change", "unit"], ascending=[False, True]).head(n)


def profile(
    nodes: pd.DataFrame,
    values: pd.DataFrame,
    units: pd.DataFrame,
    unit_code: str,
    lang: str = "vi",
) -> dict:
    """Everything about one unit in one edition, JSON-ready: unit, unit_code, score,
    self_score, max_points, rank, n, lost_points, self_vs_appraised, main_indices,
    to_gain (top 5 criteria by points still to gain)."""
    ranking = rank_units(nodes, values, units, lang)
    row = ranking[ranking["unit_code"] == unit_code]
    if row.empty:
        raise KeyError(unit_code)
    r = row.iloc[0]
    crit = criteria_table(nodes, values, unit_code, lang)
    mains = criteria_table(nodes, values, unit_code, lang, which="top")
    return {
        "unit": r["unit"],
        "unit_code": unit_code,
        "score": _num(r["score"]),
        "self_score": _num(r["self_score"]),
        "max_points": _num(r["max_points"]),
        "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
        "n": int(r["n"]),
        "lost_points": records(lost_points(crit)),
        "self_vs_appraised": records(self_vs_appraised(crit)),
        "main_indices": records(lost_points(mains)),
        "to_gain": records(most_to_gain(crit)[["code", "label", "max_points", "score", "lost"]]),
    }


def _num(x: object) -> float | None:
    return None if pd.isna(x) else round(float(x), RANK_DECIMALS)  # type: ignore[arg-type]


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts with missing -> None, points as floats, ranks as ints."""
    out = []
    for row in df.to_dict(orient="records"):
        rec = {}
        for k, v in row.items():
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                rec[k] = None
            elif k == "rank" or k.endswith("_rank") or k == "n":
                rec[k] = int(v)
            elif isinstance(v, int | float | np.floating | np.integer):
                rec[k] = round(float(v), RANK_DECIMALS)
            else:
                rec[k] = v
        out.append(rec)
    return out


def index_changes(
    nodes: pd.DataFrame,
    values: pd.DataFrame,
    prev_nodes: pd.DataFrame,
    prev_values: pd.DataFrame,
    unit_code: str,
) -> pd.Series:
    """Main index code -> change of one unit's final points on the previous edition, for
    the indices whose code and maximum are the same in both (others are left out)."""
    prev_max = dict(
        zip(top_nodes(prev_nodes)["code"], top_nodes(prev_nodes)["max_points"], strict=True)
    )
    tops = top_nodes(nodes)
    same = [
        c for c, m in zip(tops["code"], tops["max_points"], strict=True)
        if c in prev_max and round(float(m), 4) == round(float(prev_max[c]), 4)
    ]  # fmt: skip

    def final(v: pd.DataFrame) -> pd.Series:
        mine = v[(v["unit_code"] == unit_code) & (v["kind"] == "final")]
        return mine.set_index("node_code")["value"]

    now, before = final(values), final(prev_values)
    return pd.Series(
        {
            c: round(float(now[c] - before[c]), RANK_DECIMALS)
            for c in same
            if c in now and c in before
        },
        dtype=float,
    )
