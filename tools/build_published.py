"""Collect the published DTI figures from ../shared/reference/dti into one keyed table.

Output: data/files/published.csv with one row per figure:
edition, unit_set, province_code, indicator, kind (score|rank), value, basis, provenance,
source, quote, derivation.

- ``provenance = published``: a number read in a public source, copied with its URL(s) and,
  where the reference notes hold it, the quoted sentence. ``basis`` says how the number is
  stated: ``explicit``, or ``list_order_inferred`` for a rank known only from a list printed
  in rank order.
- ``provenance = derived``: a figure no source prints, that follows from published ones; the
  derivation is written out in words and ``source`` lists every source it rests on.

Run: python -m tools.build_published
"""

from __future__ import annotations

import csv
import re
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
    "basis",
    "provenance",
    "source",
    "quote",
    "derivation",
]
# observations_2026.csv field -> (indicator, kind)
OBS_FIELDS = {
    "dti": ("dti", "score"),
    "dti_rank": ("dti", "rank"),
    "cqs_score": ("gov", "score"),
    "cqs_rank": ("gov", "rank"),
    "kts_rank": ("econ", "rank"),
    "xhs_rank": ("soc", "rank"),
    **{f"{col}_rank": (ind, "rank") for col, ind in DETAIL_COLS.items()},
    # "maximum score (value not printed)": the index is at its maximum, 1.0000.
    "nhan_thuc_so": ("awareness", "score"),
    "the_che_so": ("institutions", "score"),
}


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
                            basis="",
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
                            basis=basis,
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
                        basis="",
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
                            basis="explicit",
                            source=r["source_url"],
                        )
                    )
    return out


# Figures stated in words in the sources (dti_observations_long.csv notes, HAIDUONG.md),
# not as table cells. Each is a published statement; the quote is in the reference notes.
_VNECONOMY_2023 = "https://vneconomy.vn/da-nang-dan-dau-cac-tinh-thanh-ve-chuyen-doi-so.htm"
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
            basis="explicit",
            source=_VNECONOMY_2023,
        )
        for i in ("awareness", "institutions", "human_resources", "cybersecurity", "gov_activity")
    ],
    # Cao Bằng last of 34 (headline "Cao Bằng đứng cuối bảng").
    dict(
        edition="2024",
        unit_set="34",
        province_code="04",
        indicator="dti",
        kind="rank",
        value="34",
        basis="explicit",
        source=_VTC_2024,
    ),
]


def _rows_observations() -> list[dict[str, str]]:
    """observations_2026.csv: one figure a row, with URL, basis and the quoted sentence.
    Rows whose basis says the source conflicts with other published figures are left out
    (Hà Nội's "rose four ranks from fifth place": 2023 rank 6 is published elsewhere)."""
    out = []
    with open(REF / "observations_2026.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["field"] not in OBS_FIELDS or "conflicting" in r["basis"]:
                continue
            indicator, kind = OBS_FIELDS[r["field"]]
            value = r["value"]
            if value.startswith("maximum score"):
                value = "1.0000"
            unit_set = r["group"]
            name = re.sub(r"\s*\(.*\)\s*$", "", r["province"])  # "(sau sáp nhập)"
            basis = r["basis"].split(" ")[0]
            out.append(
                dict(
                    edition=r["edition"],
                    unit_set=unit_set,
                    province_code=resolve(name, unit_set),
                    indicator=indicator,
                    kind=kind,
                    value=value,
                    basis=basis if kind == "rank" else "",
                    source=r["source_url"],
                    quote=r["quote"],
                )
            )
    return out


# Derived figures: not printed by any source, but following from published ones.
_HD_2020 = "https://tab.baohaiduong.vn/khoa-hoc---cong-nghe/hai-duong-xep-thu-14-ve-chi-so-chuyen-doi-so-nam-2020-183739"
_HD_2022 = "https://mic.gov.vn/mic_2020/Pages/TinTuc/159376/Hai-Duong-tang-1-bac-chuyen-doi-so.html"
_HD_DAY = (
    "Hải Dương Digital Transformation Day article, 26/03/2024: "
    "“Hải Dương chuyển đổi số: Kiến tạo mô hình công dân số” (URL not held)"
)
_NINH_THUAN = "https://thuvienphapluat.vn/van-ban/Cong-nghe-thong-tin/Ke-hoach-4233-KH-UBND-2022-nang-cao-Chi-so-chuyen-doi-so-Ninh-Thuan-530997.aspx?ac=emails"
DERIVED = [
    dict(
        edition="2021",
        unit_set="63",
        province_code="30",
        indicator="dti",
        kind="rank",
        value="14",
        basis="derived",
        provenance="derived",
        source=f"{_HD_DAY} | {_HD_2020} | {_HD_2022}",
        quote="14th twice and 13th once in the three editions 2020–2022",
        derivation=(
            "The province's Digital Transformation Day article (26/03/2024) says Hải Dương "
            "ranked 14th twice and 13th once over the editions 2020–2022. 2020 = 14th "
            "(baohaiduong.vn) and 2022 = 13th, 'up one place' (mic.gov.vn; dti.gov.vn) are "
            "published, so the remaining edition, 2021, is 14th."
        ),
    ),
    dict(
        edition="2020",
        unit_set="63",
        province_code="58",
        indicator="dti",
        kind="rank",
        value="63",
        basis="derived",
        provenance="derived",
        source=_NINH_THUAN,
        quote="xếp thứ 53/63 tỉnh, thành phố, tăng 10 bậc so với năm 2020",
        derivation=(
            "Ninh Thuận's 2021 plan says the province ranked 53rd of 63 in 2021, "
            "'up 10 places on 2020', so its 2020 rank was 63rd."
        ),
    ),
]


def _merge(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per figure. The same number from several sources keeps every URL and the
    first quote; an explicit statement outranks a list-order inference; two different
    numbers for one figure stop the build."""
    seen: dict[tuple[str, ...], dict[str, str]] = {}
    for r in rows:
        r = {f: r.get(f, "") for f in FIELDS}
        r["provenance"] = r["provenance"] or "published"
        key = (r["edition"], r["unit_set"], r["province_code"], r["indicator"], r["kind"])
        if key not in seen:
            seen[key] = r
            continue
        old = seen[key]
        if float(old["value"]) != float(r["value"]) or old["provenance"] != r["provenance"]:
            raise SystemExit(f"conflicting figures for {key}: {old['value']} vs {r['value']}")
        urls = old["source"].split(" | ")
        old["source"] = " | ".join(urls + [u for u in r["source"].split(" | ") if u not in urls])
        old["quote"] = old["quote"] or r["quote"]
        if r["basis"] == "explicit":
            old["basis"] = "explicit"
    return list(seen.values())


def build() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for year in (2020, 2021, 2022, 2023):
        rows += _rows_pillars(REF / f"dti_{year}_pillars.csv", "63")
    rows += _rows_pillars(REF / "dti_2024_63prov_pillars.csv", "63")
    rows += _rows_pillars(REF / "dti_2024_34prov_pillars.csv", "34")
    rows += _rows_detail()
    rows += _rows_index_ranks()
    rows += STATED
    rows += _rows_observations()
    rows += DERIVED
    return sorted(
        _merge(rows),
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
