"""The store on both backends (SQLite file and a real PostgreSQL server)."""

import pandas as pd
import pytest
import sqlalchemy as sa

from data.store import SCHEMA_VERSION, Store, StoreError, load_bundle


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    s.seed_if_empty()
    yield s
    s.engine.dispose()


def _rows(edition_values: pd.DataFrame, bump: float = 0.0) -> pd.DataFrame:
    out = edition_values[["province_code", "indicator", "value", "source"]].copy()
    out["value"] = (out["value"] + bump).clip(upper=1.0)
    out["source"] = "upload:test.xlsx"
    return out


def test_seed_loads_every_bundled_value_once(store):
    bundle = load_bundle()
    got = store.load_values()
    assert len(got) == len(bundle) == 2518
    assert set(zip(got["edition"], got["unit_set"], strict=True)) == {
        (2020, "63"),
        (2021, "63"),
        (2022, "63"),
        (2023, "63"),
        (2024, "63"),
        (2024, "34"),
    }
    hd = got[
        (got["edition"] == 2022) & (got["province_code"] == "30") & (got["indicator"] == "dti")
    ]
    assert hd["value"].iloc[0] == pytest.approx(0.6383)
    assert hd["source"].iloc[0].startswith("https://")
    assert store.seed_if_empty() is False  # idempotent
    assert len(store.load_values()) == 2518


def test_schema_version_recorded(store):
    with store.engine.connect() as c:
        assert (
            c.execute(sa.text("select max(version) from schema_version")).scalar() == SCHEMA_VERSION
        )


def test_import_creates_version_dedupes_and_rolls_back(store):
    v0 = store.data_version()
    cur = store.load_values()
    e22 = cur[(cur["edition"] == 2022) & (cur["unit_set"] == "63")]
    rows = _rows(e22, bump=0.001)
    res = store.import_version(
        2022, "63", rows, file_name="dti2022.xlsx", file_bytes=b"file-bytes-1", user="it-dept"
    )
    assert res.created and res.version.number == 2 and res.version.current
    assert store.data_version() != v0
    now = store.load_values()
    qn = now[
        (now["edition"] == 2022)
        & (now["province_code"] == "22")
        & (now["indicator"] == "awareness")
    ]
    assert qn["value"].iloc[0] == pytest.approx(0.9591)
    assert qn["source"].iloc[0] == "upload:test.xlsx"
    # identical file: recognised, no new version
    again = store.import_version(
        2022, "63", rows, file_name="copy.xlsx", file_bytes=b"file-bytes-1", user="it-dept"
    )
    assert not again.created and again.version.number == 2
    assert [v.number for v in store.versions(2022, "63")] == [1, 2]
    assert store.version_file(res.version.id) == ("dti2022.xlsx", b"file-bytes-1")
    # rollback to the bundled version
    v1 = store.data_version()
    info = store.rollback(2022, "63", 1, user="it-dept")
    assert info.number == 1 and info.current
    assert store.data_version() != v1
    back = store.load_values()
    qn = back[
        (back["edition"] == 2022)
        & (back["province_code"] == "22")
        & (back["indicator"] == "awareness")
    ]
    assert qn["value"].iloc[0] == pytest.approx(0.9581)
    log = store.audit_log()
    assert list(log["action"][:2]) == ["rollback", "import"]
    assert log["user"].iloc[0] == "it-dept"
    assert (log["action"] == "seed").sum() == 6
    with pytest.raises(StoreError, match="no version 9"):
        store.rollback(2022, "63", 9, user="x")


def test_failed_import_changes_nothing(store):
    before = store.load_values()
    stamp = store.data_version()
    cur = before[(before["edition"] == 2021)]
    rows = pd.concat([_rows(cur), _rows(cur).head(1)])  # a duplicate key
    with pytest.raises(StoreError, match="duplicate key"):
        store.import_version(2021, "63", rows, file_name="bad.xlsx", file_bytes=b"x", user="u")
    pd.testing.assert_frame_equal(store.load_values(), before)
    assert store.data_version() == stamp
    assert [v.number for v in store.versions(2021, "63")] == [1]
    assert (store.audit_log()["action"] == "import").sum() == 0


def test_two_stores_share_data_version(db_url):
    a, b = Store(db_url), Store(db_url)
    a.seed_if_empty()
    assert b.data_version() == a.data_version() != "empty"
    a.rollback(2020, "63", 1, user="u")
    assert b.data_version() == a.data_version()
