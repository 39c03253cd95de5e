"""What a pending upload would change: rankings before and after, computed the same way
the dashboard computes them (``app.dataset.build_dataset``). Writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from app.dataset import build_dataset
from data.frameworks import Framework, frameworks

KEY = ["edition", "unit_set", "province_code", "indicator"]
RANK_COLUMNS = [
    "edition",
    "unit_set",
    "province_code",
    "indicator",
    "old_score",
    "new_score",
    "old_rank",
    "new_rank",
    "rank_change",
]


def with_upload(current: pd.DataFrame, uploads: list[pd.DataFrame]) -> pd.DataFrame:
    """The store's current values with each uploaded (edition, unit set) replaced whole,
    as ``Store.import_version`` would leave them. ``uploads`` are frames in the store
    shape (edition, unit_set, province_code, indicator, value, source)."""
    out = current[["edition", "unit_set", "province_code", "indicator", "value", "source"]]
    for up in uploads:
        if up.empty:
            continue
        editions = set(zip(up["edition"].astype(int), up["unit_set"].astype(str), strict=True))
        keep = [
            (int(e), str(u)) not in editions
            for e, u in zip(out["edition"], out["unit_set"], strict=True)
        ]
        out = pd.concat([out[keep], up[out.columns]], ignore_index=True)
    return out.reset_index(drop=True)


def rank_changes(
    current: pd.DataFrame,
    uploads: list[pd.DataFrame],
    declared: dict[int, Framework] | None = None,
) -> pd.DataFrame:
    """Scores and competition ranks before and after the upload, for the uploaded editions.

    ``declared``: frameworks declared with the upload (edition -> Framework), used for the
    "after" side (the "before" side has none for a new edition).

    One row per (edition, unit set, province, indicator) whose score or rank would move;
    ``rank_change`` is positive when the province climbs (old_rank - new_rank), <NA> when
    either side has no rank. Example: a province moving from rank 13 to 10 -> +3."""
    targets = {
        (int(e), str(u))
        for up in uploads
        for e, u in zip(up["edition"], up["unit_set"], strict=True)
    }
    if not targets:
        return pd.DataFrame(columns=RANK_COLUMNS)

    stored = frameworks()
    after_fws = {**stored, **(declared or {})}

    def ranked(values: pd.DataFrame, fws: dict[int, Framework]) -> pd.DataFrame:
        part = values[
            [
                (int(e), str(u)) in targets
                for e, u in zip(values["edition"], values["unit_set"], strict=True)
            ]
        ]
        if part.empty:
            return pd.DataFrame(columns=[*KEY, "score", "rank"])
        part = part[part["edition"].astype(int).isin(list(fws))]
        if part.empty:
            return pd.DataFrame(columns=[*KEY, "score", "rank"])
        ds = build_dataset(part.reset_index(drop=True), fws=fws, pro_forma=False)
        return ds.ranked[[*KEY, "score", "rank"]]

    before = ranked(current, stored).rename(columns={"score": "old_score", "rank": "old_rank"})
    after = ranked(with_upload(current, uploads), after_fws).rename(
        columns={"score": "new_score", "rank": "new_rank"}
    )
    m = before.merge(after, on=KEY, how="outer")
    for c in ("old_rank", "new_rank"):
        m[c] = m[c].astype("Int64")
    m["rank_change"] = (m["old_rank"] - m["new_rank"]).astype("Int64")
    both_missing = m["old_score"].isna() & m["new_score"].isna()
    same_score = (m["old_score"] - m["new_score"]).abs() <= 1e-12
    same_rank = m["rank_change"].fillna(0) == 0
    moved = ~(both_missing | (same_score & same_rank))
    return m[moved][RANK_COLUMNS].sort_values(KEY).reset_index(drop=True)


def merge_with_current(current: pd.DataFrame, upload: pd.DataFrame) -> pd.DataFrame:
    """The uploaded values plus the current values of the same (edition, unit set) that the
    file does not have (kept with their own source): "merge with the current version"
    instead of replacing it, so a DTI-only file does not remove the main indices."""
    cols = ["edition", "unit_set", "province_code", "indicator", "value", "source"]
    if upload.empty:
        return upload
    eds = set(zip(upload["edition"].astype(int), upload["unit_set"].astype(str), strict=True))
    same = [
        (int(e), str(u)) in eds
        for e, u in zip(current["edition"], current["unit_set"], strict=True)
    ]
    keep = current[same][cols]
    have = set(zip(upload["province_code"], upload["indicator"], strict=True))
    missing = [
        (c, i) not in have for c, i in zip(keep["province_code"], keep["indicator"], strict=True)
    ]
    extra = keep[missing].reindex(columns=upload.columns)
    return pd.concat([upload, extra], ignore_index=True)


def home_first(
    frame: pd.DataFrame,
    home_of: Callable[[str], str],
    by: list[str],
    indicator: str | None = None,
    unit_set: str | None = None,
) -> pd.DataFrame:
    """``frame`` (only its ``indicator`` rows, if given) with the home province's rows
    first (``home_of(unit_set)``: its code in the row's unit set, from the frame's
    ``unit_set`` column or the ``unit_set`` given), then ordered by ``by`` (a column
    starting with "-" sorts descending by its absolute value: ["-rank_change"] puts the
    largest moves first)."""
    if indicator is not None:
        frame = frame[frame["indicator"] == indicator]
    if frame.empty:
        return frame
    sets = frame["unit_set"].astype(str) if "unit_set" in frame else [str(unit_set)] * len(frame)
    homes = [home_of(u) for u in sets]
    mine = [c == h for c, h in zip(frame["province_code"], homes, strict=True)]
    keys = frame.assign(_home=[not m for m in mine])
    cols, asc = ["_home"], [True]
    for b in by:
        if b.startswith("-"):
            keys[f"_abs_{b[1:]}"] = keys[b[1:]].abs()
            cols.append(f"_abs_{b[1:]}")
            asc.append(False)
        else:
            cols.append(b)
            asc.append(True)
    out = keys.sort_values(cols, ascending=asc, kind="stable")
    return out[list(frame.columns)].reset_index(drop=True)
