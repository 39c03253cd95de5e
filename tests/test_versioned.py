"""The versioned-store helper (data.versioned) on its own tables, on SQLite and on a real
PostgreSQL server: numbering per key, the current pointer, audit rows, restore, both kinds
of head (a pointer that may be empty, locked by its row; one that may not, locked by an
advisory lock on PostgreSQL), all-or-nothing, and writers racing for one key."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from data.audit import Change
from data.store import ImportBusy, Store
from data.versioned import Versioned

md = sa.MetaData()
things = sa.Table(
    "test_things",
    md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(16), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("label", sa.String(32), nullable=False),
    sa.UniqueConstraint("owner", "year", "number"),
)
parts = sa.Table(
    "test_parts",
    md,
    sa.Column("thing_id", sa.Integer, sa.ForeignKey("test_things.id"), primary_key=True),
    sa.Column("n", sa.Integer, primary_key=True),
)
# a head that may exist before its first version (locked by its row)
open_heads = sa.Table(
    "test_open_heads",
    md,
    sa.Column("owner", sa.String(16), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("current_version", sa.Integer, nullable=True),
    sa.Column("flag", sa.Boolean, nullable=False, default=False),
)
# a head that only exists once a version does (framework_heads' shape)
firm_heads = sa.Table(
    "test_firm_heads",
    md,
    sa.Column("who", sa.String(16), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("current_id", sa.Integer, sa.ForeignKey("test_things.id"), nullable=False),
)
OPEN = Versioned(things, open_heads, ("owner", "year"))
FIRM = Versioned(
    things,
    firm_heads,
    ("owner", "year"),
    pointer="current_id",
    head_key=("who", "year"),
    audit_id=False,
    number_label="thing_number",
)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    s.init()
    md.create_all(s.engine)
    yield s
    s.engine.dispose()


def _add(
    store: Store, spec: Versioned, key: tuple[str, int], label: str, **head: object
) -> tuple[int, int]:
    with store.write() as conn:

        def fill(vid: int) -> None:
            conn.execute(parts.insert(), [{"thing_id": vid, "n": n} for n in range(3)])

        change = Change("u", "thing_add", key[1], None, f"{label}.xlsx", detail={"label": label})
        return spec.add(conn, key, {"label": label}, change, fill=fill, **head)


def _audit(store: Store, action: str) -> list[tuple[int | None, dict]]:
    log = store.audit_log()
    rows = log[log["action"] == action].iloc[::-1]
    return [
        (None if v != v or v is None else int(v), json.loads(d))
        for v, d in zip(rows["version_id"], rows["detail"], strict=True)
    ]


@pytest.mark.parametrize("spec", [OPEN, FIRM], ids=["open", "firm"])
def test_numbers_per_key_current_pointer_and_audit(store: Store, spec: Versioned) -> None:
    a1 = _add(store, spec, ("a", 2025), "a1")
    a2 = _add(store, spec, ("a", 2025), "a2")
    b1 = _add(store, spec, ("b", 2025), "b1")
    a_2024 = _add(store, spec, ("a", 2024), "x")
    assert [n for _, n in (a1, a2, b1, a_2024)] == [1, 2, 1, 1]
    with store.engine.connect() as conn:
        rows, cur = spec.history(conn, ("a", 2025))
        assert [(r["number"], r["label"]) for r in rows] == [(1, "a1"), (2, "a2")]
        assert cur == a2[0] and spec.current(conn, ("b", 2025)) == b1[0]
        assert spec.current(conn, ("c", 2025)) is None
        assert spec.find(conn, ("a", 2025), things.c.label == "a1")["id"] == a1[0]  # type: ignore[index]
        assert spec.number(conn, ("a", 2025), 3) is None
        n_parts = conn.execute(
            sa.select(sa.func.count()).select_from(parts).where(parts.c.thing_id == a2[0])
        ).scalar()
        assert n_parts == 3
    label = spec.number_label
    expected_ids = [v for v, _ in (a1, a2, b1, a_2024)] if spec.audit_id else [None] * 4
    got = _audit(store, "thing_add")
    assert [v for v, _ in got] == expected_ids
    assert [d[label] for _, d in got] == [1, 2, 1, 1]
    assert [d["label"] for _, d in got] == ["a1", "a2", "b1", "x"]


def test_restore_makes_an_earlier_version_current_with_head_values(store: Store) -> None:
    v1, _ = _add(store, OPEN, ("a", 2025), "one", flag=True)
    v2, _ = _add(store, OPEN, ("a", 2025), "two", flag=True)
    with store.write() as conn:
        row = OPEN.number(conn, ("a", 2025), 1)
        assert row is not None
        before = OPEN.restore(conn, ("a", 2025), row, Change("r", "thing_back"), flag=False)
    assert before == v2
    with store.engine.connect() as conn:
        assert OPEN.current(conn, ("a", 2025)) == v1
        flag = conn.execute(sa.select(open_heads.c.flag)).scalar()
        n_versions = conn.execute(sa.select(sa.func.count()).select_from(things)).scalar()
    assert flag is False and n_versions == 2  # a rollback deletes nothing
    assert _audit(store, "thing_back") == [(v1, {"from_version_id": v2, "to_number": 1})]


def test_a_failure_after_the_version_row_writes_nothing(store: Store) -> None:
    _add(store, FIRM, ("a", 2025), "one")
    with pytest.raises(RuntimeError, match="boom"), store.write() as conn:

        def fill(_vid: int) -> None:
            raise RuntimeError("boom")

        FIRM.add(conn, ("a", 2025), {"label": "two"}, Change("u", "thing_add"), fill=fill)
    assert _add(store, FIRM, ("a", 2025), "two")[1] == 2  # number 2 was not used up
    assert len(_audit(store, "thing_add")) == 2


@pytest.mark.parametrize("spec", [OPEN, FIRM], ids=["open", "firm"])
def test_writers_racing_for_one_key_get_distinct_numbers(db_url: str, spec: Versioned) -> None:
    s0 = Store(db_url)
    s0.init()
    md.create_all(s0.engine)
    n = 6
    got: list[object] = []
    start = threading.Barrier(n)

    def run(i: int) -> None:
        s = Store(db_url)
        start.wait()
        try:
            got.append(_add(s, spec, ("race", 2025), f"t{i}")[1])
        except Exception as exc:  # noqa: BLE001 - asserted below
            got.append(exc)
        finally:
            s.engine.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, n + 1)), got  # type: ignore[type-var]
    with s0.engine.connect() as conn:
        rows, cur = spec.history(conn, ("race", 2025))
    assert cur == rows[-1]["id"] and [r["number"] for r in rows] == list(range(1, n + 1))


@pytest.mark.parametrize("spec", [OPEN, FIRM], ids=["open", "firm"])
def test_a_held_key_makes_another_writer_busy(db_url: str, spec: Versioned) -> None:
    holder, waiter = Store(db_url), Store(db_url, lock_timeout_s=0.5)
    holder.init()
    md.create_all(holder.engine)
    _add(holder, spec, ("a", 2025), "one")
    with holder.write() as conn:
        assert spec.lock(conn, ("a", 2025)) is not None
        with pytest.raises(ImportBusy):
            _add(waiter, spec, ("a", 2025), "two")
    assert _add(waiter, spec, ("a", 2025), "two")[1] == 2
