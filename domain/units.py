"""Unit sets and socio-economic regions: names every layer may use (pure constants)."""

from __future__ import annotations

UNIT_SETS: tuple[str, ...] = ("63", "34")

REGIONS: dict[str, dict[str, str]] = {
    "DBSH": {"vi": "Đồng bằng sông Hồng", "en": "Red River Delta"},
    "TDMNPB": {"vi": "Trung du và miền núi phía Bắc", "en": "Northern Midlands and Mountains"},
    "BTBDHMT": {
        "vi": "Bắc Trung Bộ và duyên hải miền Trung",
        "en": "North Central and Central Coast",
    },
    "TN": {"vi": "Tây Nguyên", "en": "Central Highlands"},
    "DNB": {"vi": "Đông Nam Bộ", "en": "Southeast"},
    "DBSCL": {"vi": "Đồng bằng sông Cửu Long", "en": "Mekong River Delta"},
}


def region_name(region_code: str, lang: str = "vi") -> str:
    """The vi/en name of a region. Example: region_name("DBSH", "en") == "Red River Delta"."""
    return REGIONS[region_code][lang]
