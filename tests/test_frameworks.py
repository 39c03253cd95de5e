import pytest

from data import frameworks as f


def test_2020_is_pillars_weighted_04_03_03():
    fw = f.framework(2020)
    assert fw.inputs == ("gov", "econ", "soc")
    assert fw.points == {"gov": 400.0, "econ": 300.0, "soc": 300.0}
    assert fw.composites == ("dti",)


@pytest.mark.parametrize("edition", [2021, 2022, 2023, 2024])
def test_qd922_main_indices(edition):
    fw = f.framework(edition)
    assert fw.inputs == f.MAIN_INDICES
    assert fw.total_points == 1000
    assert fw.points["gov_activity"] == 200 and fw.points["soc_activity"] == 150
    assert fw.weights("gov") == {
        "awareness": 100,
        "institutions": 100,
        "infrastructure": 100,
        "human_resources": 100,
        "cybersecurity": 100,
        "gov_activity": 200,
    }
    assert sum(fw.weights("econ").values()) == 650
    assert fw.composites == ("gov", "econ", "soc", "dti")


def test_2024_points_are_marked_assumed_and_comparability():
    assert f.framework(2024).assumed and not f.framework(2022).assumed
    assert not f.framework(2021).comparable_with(f.framework(2020))
    assert f.framework(2022).comparable_with(f.framework(2021))


def test_labels_bilingual():
    fw = f.framework(2022)
    assert fw.get("cybersecurity").label("vi") == "An toàn thông tin mạng"
    assert fw.get("cybersecurity").label("en") == "Cybersecurity"


def test_validation_rejects_bad_structures():
    ok = f.Indicator("gov", "pillar", 400, ("gov",), "a", "b")
    with pytest.raises(f.FrameworkError, match="no total row"):
        f.validate(2099, [ok])
    bad_pillar = f.Indicator("econ", "pillar", 300, ("nope",), "a", "b")
    total = f.Indicator("dti", "total", None, (), "a", "b")
    with pytest.raises(f.FrameworkError, match='DTI 2099 / econ: pillar "nope" is not valid'):
        f.validate(2099, [ok, bad_pillar, total])
    with pytest.raises(f.FrameworkError, match="pillar econ has no scored member"):
        f.validate(2099, [ok, total])
    # a new code needs labels and a foundation/activity group
    with pytest.raises(f.FrameworkError, match='indicator code "Smart City" is unknown'):
        f.validate(2099, [f.Indicator("Smart City", "foundation", 5, ("gov",), "", ""), total])
    with pytest.raises(f.FrameworkError, match="no DTI framework"):
        f.framework(2019)
