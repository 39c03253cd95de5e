"""Index structure per (edition, unit set), as data: stored in the database, seeded from
data/files/frameworks.csv.

An edition's *inputs* are the indicators with points (main indices from 2021, the three
pillars in 2020). Every composite is a points-weighted mean of its members:

    pillar P = sum(points_i * v_i for i in P) / sum(points_i for i in P)
    dti      = sum(points_i * v_i for all inputs) / sum(points_i)

In 2020 the pillars are themselves the inputs (400/300/300 of 1000 points). Weights are
never written in code: the bundled CSV seeds the store's ``framework_versions`` /
``framework_nodes`` tables once, and every reader (``frameworks()``, ``framework()``,
``editions()``, ``edition_unit_sets()``) reads the store, cached on its data-version stamp,
so a framework the Department declares (``declare``) takes effect everywhere at once.

A framework carries a basis: ``official`` (its legal document), ``assumed`` (our
assumption, e.g. 2024's points) or ``declared`` (by NAME on DATE: TEXT). Frameworks are
versioned per (edition, unit set) like values; a replacement is a new version, audited.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from data.audit import Change
from data.audit import now as _now
from data.tables import framework_heads, framework_nodes, framework_versions
from data.versioned import Versioned
from domain.framework import (  # noqa: F401 - re-exported: data.frameworks is their old home
    ALL_INDICATORS,
    CODE_RE,
    CSV_COLUMNS,
    DEFAULT_TOTAL_POINTS,
    GROUPS,
    MAIN_INDICES,
    PILLARS,
    STATUSES,
    TOTAL,
    Framework,
    FrameworkError,
    FrameworkProblem,
    Indicator,
    _fmt_pts,
    _validate,
    validate,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from data.store import Store

FILES = Path(__file__).resolve().parent / "files"

# A framework: versions numbered per (edition, unit set), framework_heads.current_id. Its
# audit rows name the number as "framework_number" and no version id (that column names a
# values version).
FRAMEWORKS = Versioned(
    framework_versions,
    framework_heads,
    ("edition", "unit_set"),
    pointer="current_id",
    audit_id=False,
    number_label="framework_number",
)


def build(
    edition: int,
    inds: Iterable[Indicator],
    *,
    basis: str,
    status: str = "declared",
    unit_set: str = "",
    where: Mapping[str, str] | None = None,
    total_points: float | None = None,
    user: str = "",
) -> Framework:
    """A validated Framework record (not stored)."""
    inds = tuple(inds)
    if status not in STATUSES:
        raise FrameworkError([FrameworkProblem("status", f"{edition}", {"status": status})])
    members = validate(edition, inds, where, total_points)
    return Framework(edition, inds, basis, members, status=status, unit_set=unit_set, user=user)


# --------------------------------------------------------------------------- CSV


def _float_or_none(text: str) -> float | None:
    text = (text or "").strip().replace(",", ".")
    return float(text) if text else None


def read_csv_rows(text: str, name: str = "frameworks.csv") -> list[dict[str, str]]:
    """Rows of a framework CSV (the columns of data/files/frameworks.csv); each row gets
    ``_where`` = "NAME row N" for messages."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [
        c for c in ("indicator", "group", "points", "pillars") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise FrameworkError(
            [
                FrameworkProblem(
                    "csv_columns",
                    name,
                    {"missing": ", ".join(missing), "columns": ", ".join(CSV_COLUMNS)},
                )
            ]
        )
    out = []
    for n, r in enumerate(reader, start=2):
        r = {k: (v or "").strip() for k, v in r.items() if k}
        r["_where"] = f"{name}:{n}"
        out.append(r)
    return out


def indicators_from_rows(rows: list[dict[str, str]]) -> tuple[list[Indicator], dict[str, str]]:
    inds: list[Indicator] = []
    where: dict[str, str] = {}
    P: list[FrameworkProblem] = []
    for r in rows:
        try:
            pts = _float_or_none(r.get("points", ""))
        except ValueError:
            P.append(FrameworkProblem("points_number", r["_where"], {"text": r.get("points")}))
            continue
        code = r.get("indicator", "")
        where.setdefault(code, f"{r['_where']} ({code})")
        inds.append(
            Indicator(
                code=code,
                group=r.get("group", ""),
                points=pts,
                pillars=tuple(p for p in r.get("pillars", "").split("|") if p),
                label_vi=r.get("label_vi", "") or code,
                label_en=r.get("label_en", "") or code,
                parent=r.get("parent") or None,
            )
        )
    if P:
        raise FrameworkError(P)
    return inds, where


def _status_of(row: Mapping[str, str]) -> tuple[str, str]:
    """(status, basis text) from a CSV row; old rows mark assumptions "ASSUMED: …"."""
    basis = row.get("basis", "")
    status = row.get("status", "") or ("assumed" if basis.startswith("ASSUMED") else "official")
    return status, basis.removeprefix("ASSUMED: ")


@cache
def seed_frameworks() -> dict[tuple[int, str], Framework]:
    """The bundled frameworks, per (edition, unit set) of data/files/editions.csv."""
    text = (FILES / "frameworks.csv").read_text(encoding="utf-8")
    by_ed: dict[int, list[dict[str, str]]] = {}
    for r in read_csv_rows(text):
        by_ed.setdefault(int(r["edition"]), []).append(r)
    with open(FILES / "editions.csv", encoding="utf-8") as fh:
        pairs = [(int(r["edition"]), r["unit_set"]) for r in csv.DictReader(fh)]
    out: dict[tuple[int, str], Framework] = {}
    for edition, unit_set in pairs:
        rs = by_ed[edition]
        inds, where = indicators_from_rows(rs)
        status, basis = _status_of(rs[0])
        out[(edition, unit_set)] = build(
            edition, inds, basis=basis, status=status, unit_set=unit_set, where=where
        )
    return out


def to_csv(fw: Framework) -> str:
    """The framework in the columns of data/files/frameworks.csv."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for i in fw.indicators:
        w.writerow(
            {
                "edition": fw.edition,
                "indicator": i.code,
                "group": i.group,
                "points": "" if i.points is None else _fmt_pts(float(i.points)),
                "pillars": "|".join(i.pillars),
                "label_vi": i.label_vi,
                "label_en": i.label_en,
                "status": fw.status,
                "basis": fw.basis,
            }
        )
    return buf.getvalue()


def with_points(base: Framework, points: Mapping[str, float], **kw: object) -> Framework:
    """``base``'s structure with other points for its inputs (and extra new indices left
    out); the total row carries the new sum."""
    inds = []
    for i in base.indicators:
        if i.code in base.inputs:
            inds.append(replace(i, points=float(points[i.code])))
        elif i.group == "total":
            inds.append(replace(i, points=None))
        else:
            inds.append(i)
    args: dict = {"basis": base.basis, "status": base.status, "unit_set": base.unit_set}
    args.update(kw)
    return build(base.edition, inds, **args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- store


def _node_rows(fw: Framework, fid: int) -> list[dict[str, object]]:
    return [
        {
            "framework_id": fid,
            "code": i.code,
            "parent_code": i.parent,
            "position": n,
            "node_group": i.group,
            "points": None if i.points is None else float(i.points),
            "pillars": "|".join(i.pillars),
            "label_vi": i.label_vi,
            "label_en": i.label_en,
        }
        for n, i in enumerate(fw.indicators)
    ]


def _check_declarable(
    current: Mapping[tuple[int, str], Framework],
    fw: Framework,
    unit_set: str,
    replace_existing: bool,
) -> None:
    """Refuse (FrameworkError) an existing framework without ``replace_existing``, and
    points that differ from another unit set's current framework of the same edition."""
    ed = int(fw.edition)
    if replace_existing:
        return
    mine = current.get((ed, unit_set))
    if mine is not None:
        where = f"DTI {ed} ({unit_set})"
        raise FrameworkError(
            [FrameworkProblem("exists", where, {"status": mine.status, "year": ed})]
        )
    for (e, s), other in current.items():
        if e == ed and s != unit_set and other.points != fw.points:
            where = f"DTI {ed} ({unit_set})"
            raise FrameworkError(
                [FrameworkProblem("other_unit_set", where, {"year": ed, "other": s})]
            )


def write_framework(
    store: Store,
    conn: Connection,
    fw: Framework,
    unit_set: str,
    *,
    user: str,
    action: str,
    replace_existing: bool = False,
) -> Framework:
    """Store ``fw`` as the new current framework of (edition, unit set) inside ``conn``'s
    transaction (the caller commits, together with an upload when there is one; ``store``
    is the caller's store, whose ``write()`` opened ``conn``).

    Refuses (FrameworkError) an existing framework without ``replace_existing``, and a
    framework whose points differ from another unit set's current framework of the same
    edition (an edition has one framework; replace it for every unit set)."""
    ed = int(fw.edition)
    FRAMEWORKS.lock(conn, (ed, unit_set))
    current = _read(conn)
    _check_declarable(current, fw, unit_set, replace_existing)
    mine = current.get((ed, unit_set))
    now = _now()
    row = {
        "status": fw.status,
        "basis": fw.basis,
        "user": user,
        "created_at": now,
        "total_points": fw.total_points,
    }
    replaced = (
        None
        if mine is None
        else {"number": mine.number, "status": mine.status, "points": mine.points}
    )
    detail = {"status": fw.status, "basis": fw.basis, "points": fw.points, "replaced": replaced}
    _fid, number = FRAMEWORKS.add(
        conn,
        (ed, unit_set),
        row,
        Change(user, action, ed, unit_set, detail=detail),
        fill=lambda fid: conn.execute(framework_nodes.insert(), _node_rows(fw, fid)),
    )
    return replace(fw, unit_set=unit_set, number=number, user=user, created_at=now)


def seed_into(store: Store, conn: Connection) -> bool:
    """Seed the bundled frameworks when the store holds none (inside ``conn``)."""
    if conn.execute(sa.select(sa.func.count()).select_from(framework_versions)).scalar():
        return False
    for (_edition, unit_set), fw in sorted(seed_frameworks().items()):
        write_framework(store, conn, fw, unit_set, user="bundle", action="framework_seed")
    return True


def _read(conn: Connection) -> dict[tuple[int, str], Framework]:
    heads = (
        conn.execute(
            sa.select(framework_versions).join(
                framework_heads, framework_heads.c.current_id == framework_versions.c.id
            )
        )
        .mappings()
        .all()
    )
    if not heads:
        return {}
    ids = [h["id"] for h in heads]
    nodes = (
        conn.execute(
            sa.select(framework_nodes)
            .where(framework_nodes.c.framework_id.in_(ids))
            .order_by(framework_nodes.c.framework_id, framework_nodes.c.position)
        )
        .mappings()
        .all()
    )
    by_id: dict[int, list[Indicator]] = {}
    for n in nodes:
        by_id.setdefault(n["framework_id"], []).append(
            Indicator(
                code=n["code"],
                group=n["node_group"],
                points=None if n["points"] is None else float(n["points"]),
                pillars=tuple(p for p in (n["pillars"] or "").split("|") if p),
                label_vi=n["label_vi"],
                label_en=n["label_en"],
                parent=n["parent_code"],
            )
        )
    out: dict[tuple[int, str], Framework] = {}
    for h in heads:
        inds = tuple(by_id.get(h["id"], ()))
        out[(int(h["edition"]), h["unit_set"])] = Framework(
            int(h["edition"]),
            inds,
            h["basis"],
            validate(int(h["edition"]), inds),
            status=h["status"],
            unit_set=h["unit_set"],
            number=int(h["number"]),
            user=h["user"],
            created_at=h["created_at"],
        )
    return out


def framework_history(store: Store, edition: int, unit_set: str) -> list[dict[str, object]]:
    """Every stored version of (edition, unit set)'s framework, oldest first."""
    with store.engine.connect() as conn:
        rows, cur = FRAMEWORKS.history(conn, (edition, unit_set))
    return [{**dict(r), "current": r["id"] == cur} for r in rows]


# --------------------------------------------------------------------------- cached reads

_lock = threading.Lock()
_stores: dict[str, Store] = {}
_cache: dict[str, tuple[str, dict[tuple[int, str], Framework]]] = {}


def _store(store: Store | None) -> Store:
    if store is not None:
        return store
    from data.store import Store as _Store
    from data.store import db_url

    url = db_url()
    with _lock:
        s = _stores.get(url)
        if s is None:
            s = _Store(url)
            _stores[url] = s
    return s


def _absent(store: Store) -> bool:
    """A SQLite file that does not exist yet (reading must not create it)."""
    from sqlalchemy.engine import make_url

    u = make_url(store.url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return False
    return not Path(u.database).exists()


def stored_frameworks(store: Store | None = None) -> dict[tuple[int, str], Framework]:
    """Every current framework per (edition, unit set), cached on the data-version stamp.

    Reading never writes: a database that does not exist yet, or one made before the
    framework tables, is read as the bundled seed (``Store.init`` stores it)."""

    s = _store(store)
    if _absent(s):
        return seed_frameworks()
    try:
        stamp = s.data_version()
        hit = _cache.get(s.url)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        with s.engine.connect() as conn:
            got = _read(conn)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        return seed_frameworks()  # no schema yet
    if not got:
        return seed_frameworks()
    _cache[s.url] = (stamp, got)
    return got


def frameworks(store: Store | None = None) -> dict[int, Framework]:
    """One framework per edition (all unit sets of an edition share it; the 63-set one
    first when both exist), validated."""
    out: dict[int, Framework] = {}
    for (edition, _s), fw in sorted(
        stored_frameworks(store).items(), key=lambda kv: (kv[0][0], kv[0][1] != "63")
    ):
        out.setdefault(edition, fw)
    return out


def framework(edition: int, unit_set: str | None = None, store: Store | None = None) -> Framework:
    try:
        if unit_set is not None:
            return stored_frameworks(store)[(int(edition), str(unit_set))]
        return frameworks(store)[int(edition)]
    except KeyError:
        raise FrameworkError(
            [FrameworkProblem("none", f"DTI {edition}", {"year": edition})]
        ) from None


def editions(store: Store | None = None) -> list[int]:
    return sorted(frameworks(store))


def latest_edition(store: Store | None = None) -> int:
    return max(frameworks(store))


def edition_unit_sets(store: Store | None = None) -> list[tuple[int, str]]:
    """(edition, unit_set) pairs that have a framework (the DTI was published or declared)."""
    return sorted(stored_frameworks(store))


def indicator_codes(store: Store | None = None) -> tuple[str, ...]:
    """Every indicator code of any stored framework: the fixed ones first, then declared
    new indices in the order they were declared."""
    extra: list[str] = []
    for _k, fw in sorted(stored_frameworks(store).items()):
        for c in fw.codes:
            if c not in ALL_INDICATORS and c not in extra:
                extra.append(c)
    return MAIN_INDICES + tuple(extra) + PILLARS + (TOTAL,)


def declare(
    store: Store,
    fw: Framework,
    unit_set: str,
    *,
    user: str,
    replace_existing: bool = False,
) -> list[Framework]:
    """Store a declared (or replacing) framework in its own transaction. With
    ``replace_existing`` every unit set of the edition that has a framework gets the new
    one too (an edition has one framework), so everything recomputes. Returns the stored
    records."""
    store.init()
    action = "framework_replace" if replace_existing else "framework_declare"
    with store.write() as conn:
        sets = {unit_set}
        if replace_existing:
            sets |= {s for (e, s) in _read(conn) if e == int(fw.edition)}
        out = [
            write_framework(
                store, conn, fw, s, user=user, action=action, replace_existing=replace_existing
            )
            for s in sorted(sets)
        ]
        store._bump(conn)
    return out
