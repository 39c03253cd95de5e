"""Collect the published DTI figures from ../shared/reference/dti into one keyed table.

Output: data/files/published.csv with one row per figure:
edition, unit_set, province_code, indicator, kind (score|rank), value, rank_basis, source.
Only numbers read in a public source are copied (each with its URL); nothing is derived.
Run: python -m tools.build_published
"""

from __future__ import annotations

import csv
from pathlib import Path

from data.provinces import resolve

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT.parent / "shared" / "reference" / "dti"
OUT = ROOT / "data" / "files" / "published.csv"

PILLAR_COLS = {"dti": "dti", "cqs": "gov", "kts": "econ", "xhs": "soc"}
DETAIL_COLS = {
    "nhan_thuc_so": "awareness",
    "the_che_so": "institutions",
    "ha_tang_so": "infrastructure",
    "nhan_luc_so": "human_resources",
    "attt": "cybersecurity",
    "cqs_activity": "gov_activity",
    "kts_activity": "econ_activity",
    "xhs_activity": "soc_activity",
}
FIELDS = [
    "edition",
    "unit_set",
    "province_code",
    "indicator",
    "kind",
    "value",
    "rank_basis",
    "source",
]


def _rows_pillars(path: Path, unit_set: str) -> list[dict[str, str]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = resolve(r["province_std"] or r["province"], unit_set)
            for col, ind in PILLAR_COLS.items():
                score_col = "dti" if col == "dti" else f"{col}_score"
                rank_col = f"{col}_rank"
                basis = r["dti_rank_basis"] if col == "dti" else "explicit"
                if r[score_col]:
                    out.append(
                        dict(
                            edition=r["year"],
                            unit_set=unit_set,
                            province_code=code,
                            indicator=ind,
                            kind="score",
                            value=r[score_col],
                            rank_basis="",
                            source=r["source_urls"],
                        )
                    )
                if r[rank_col]:
                    out.append(
                        dict(
                            edition=r["year"],
                            unit_set=unit_set,
                            province_code=code,
                            indicator=ind,
                            kind="rank",
                            value=r[rank_col],
                            rank_basis=basis,
                            source=r["source_urls"],
                        )
                    )
    return out


def _rows_detail() -> list[dict[str, str]]:
    out = []
    with open(REF / "dti_2022_detail.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = resolve(r["province"], "63")
            for col, ind in DETAIL_COLS.items():
                out.append(
                    dict(
                        edition=r["year"],
                        unit_set="63",
                        province_code=code,
                        indicator=ind,
                        kind="score",
                        value=r[col],
                        rank_basis="",
                        source=r["source_url"],
                    )
                )
    return out


def _rows_index_ranks() -> list[dict[str, str]]:
    out = []
    with open(REF / "dti_2022_main_index_ranks.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = resolve(r["province"], "63")
            for col, ind in DETAIL_COLS.items():
                if r[f"{col}_rank"]:
                    out.append(
                        dict(
                            edition=r["year"],
                            unit_set="63",
                            province_code=code,
                            indicator=ind,
                            kind="rank",
                            value=r[f"{col}_rank"],
                            rank_basis="explicit",
                            source=r["source_url"],
                        )
                    )
    return out


# Figures stated in words in the sources (dti_observations_long.csv notes, HAIDUONG.md),
# not as table cells. Each is a published statement; the quote is in the reference notes.
_VNECONOMY_2023 = "https://vneconomy.vn/da-nang-dan-dau-cac-tinh-thanh-ve-chuyen-doi-so.htm"
_VIETNAM_VN_HP = (
    "https://www.vietnam.vn/en/hai-phong-vuon-len-top-3-toan-quoc-ve-chi-so-chuyen-doi-so-cap-tinh"
)
_VTC_2024 = "https://vtcnews.vn/ha-noi-dan-dau-ca-nuoc-ve-chuyen-doi-so-cao-bang-dung-cuoi-bang-ar972306.html"
STATED = [
    # Đà Nẵng 2023: "rank 1 in 5/8 main indices" (ties allowed: competition rank 1).
    *[
        dict(
            edition="2023",
            unit_set="63",
            province_code="48",
            indicator=i,
            kind="rank",
            value="1",
            rank_basis="explicit",
            source=_VNECONOMY_2023,
        )
        for i in ("awareness", "institutions", "human_resources", "cybersecurity", "gov_activity")
    ],
    # Hải Phòng (34-group) 2024: full marks in awareness and institutions, 3rd in
    # infrastructure and digital-economy activity.
    dict(
        edition="2024",
        unit_set="34",
        province_code="31",
        indicator="awareness",
        kind="score",
        value="1.0000",
        rank_basis="",
        source=_VIETNAM_VN_HP,
    ),
    dict(
        edition="2024",
        unit_set="34",
        province_code="31",
        indicator="institutions",
        kind="score",
        value="1.0000",
        rank_basis="",
        source=_VIETNAM_VN_HP,
    ),
    dict(
        edition="2024",
        unit_set="34",
        province_code="31",
        indicator="infrastructure",
        kind="rank",
        value="3",
        rank_basis="explicit",
        source=_VIETNAM_VN_HP,
    ),
    dict(
        edition="2024",
        unit_set="34",
        province_code="31",
        indicator="econ_activity",
        kind="rank",
        value="3",
        rank_basis="explicit",
        source=_VIETNAM_VN_HP,
    ),
    # Cao Bằng last of 34 (headline "Cao Bằng đứng cuối bảng").
    dict(
        edition="2024",
        unit_set="34",
        province_code="04",
        indicator="dti",
        kind="rank",
        value="34",
        rank_basis="explicit",
        source=_VTC_2024,
    ),
]


def build() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for year in (2020, 2021, 2022, 2023):
        rows += _rows_pillars(REF / f"dti_{year}_pillars.csv", "63")
    rows += _rows_pillars(REF / "dti_2024_63prov_pillars.csv", "63")
    rows += _rows_pillars(REF / "dti_2024_34prov_pillars.csv", "34")
    rows += _rows_detail()
    rows += _rows_index_ranks()
    rows += STATED
    seen: dict[tuple[str, ...], dict[str, str]] = {}
    for r in rows:
        key = (r["edition"], r["unit_set"], r["province_code"], r["indicator"], r["kind"])
        if key in seen and float(seen[key]["value"]) != float(r["value"]):
            raise SystemExit(f"conflicting published figures for {key}")
        seen.setdefault(key, r)
    return sorted(
        seen.values(),
        key=lambda r: (r["edition"], r["unit_set"], r["kind"], r["indicator"], r["province_code"]),
    )


def main() -> None:
    rows = build()
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} published figures -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
