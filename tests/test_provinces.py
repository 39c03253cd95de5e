import unicodedata

import pytest

from data import provinces as p


def test_registry_sizes_and_codes():
    assert len(p.provinces("63")) == 63
    assert len(p.provinces("34")) == 34
    assert p.name_of("30") == "Hải Dương"
    assert p.name_of("15", "34") == "Lào Cai"  # new Lào Cai keeps old Yên Bái's code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("TP. Hồ Chí Minh", "79"),
        ("Hồ Chí Minh", "79"),
        ("TP HCM", "79"),
        ("Thừa Thiên - Huế", "46"),
        ("Thừa Thiên Huế", "46"),
        ("Huế", "46"),
        ("Bà Rịa - Vũng Tàu", "77"),
        ("Bà Rịa-Vũng Tàu", "77"),
        ("Hai Duong", "30"),
        ("HẢI DƯƠNG", "30"),
        ("Tỉnh Hải Dương", "30"),
        ("Thành phố Hải Phòng", "31"),
        ("Hòa Bình", "17"),
        ("Hoà Bình", "17"),
        ("Khánh Hoà", "56"),
        ("Dak Lak", "66"),
        (unicodedata.normalize("NFD", "Đắk Nông"), "67"),
        ("  quang   ninh ", "22"),
    ],
)
def test_resolve_spellings(name, code):
    assert p.resolve(name) == code


def test_unknown_name_lists_suggestions_and_never_guesses():
    with pytest.raises(p.UnknownProvinceError) as exc:
        p.resolve("Hai Duonh")
    assert exc.value.suggestions[0] == "Hải Dương"
    assert "Hai Duonh" in str(exc.value)


def test_name_is_resolved_within_its_unit_set():
    assert p.resolve("Huế", "34") == "46"
    with pytest.raises(p.UnknownProvinceError):
        p.resolve("Hải Dương", "34")  # no longer a unit after 1 July 2025


def test_merger_map():
    assert p.successor("30") == "31"
    assert p.predecessors("31") == ["30", "31"]
    assert p.predecessors("79") == ["74", "77", "79"]
    assert p.successor("15") == "15" and p.predecessors("15") == ["10", "15"]
    # every 63-unit maps to exactly one of the 34, and every one of the 34 has a predecessor
    succ = {p.successor(u.code) for u in p.provinces("63")}
    assert succ == {u.code for u in p.provinces("34")}
    assert sum(len(p.predecessors(u.code)) for u in p.provinces("34")) == 63


def test_regions():
    assert p.by_code()["30"].region_code == "DBSH"
    assert p.region_name("DBSH", "en") == "Red River Delta"
    assert {u.region_code for u in p.provinces("63")} == set(p.REGIONS)
