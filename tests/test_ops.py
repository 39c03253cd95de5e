"""Operations: structured log lines, the readiness check, and pages when the store is down."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import streamlit as st
from ingest_fixtures import detail_workbook
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest
from test_auth import PASSWORD, app_env, open_page, pw_hash, sign_in  # noqa: F401

from data.logs import _Formatter, logger
from i18n import t
from tests.legacy import release1_store as r1

REPO = Path(__file__).resolve().parents[1]


def run(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data", *args],
        cwd=REPO,
        env={**os.environ, "DTI_DB_URL": url, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def events(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


# --------------------------------------------------------------------------- logs


def test_cli_operations_log_one_json_line_each(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dti.db'}"
    env = {"DTI_LOG_FORMAT": "json", "DTI_CONFIG_DIR": str(tmp_path / "cfg")}
    init = run(url, "init", **env)
    assert init.returncode == 0, init.stderr
    first = events(init.stderr)
    assert first[0]["event"] == "schema_upgrade" and first[0]["before"] is None
    seeds = [e for e in first if e["event"] == "seed"]
    assert len(seeds) == 6 and {e["user"] for e in seeds} == {"bundle"}

    f = tmp_path / "dti_2022.xlsx"
    f.write_bytes(detail_workbook(2022, "63", 21))
    imp = run(url, "import", str(f), "--replace", "--user", "chi-lan", **env)
    assert imp.returncode == 0, imp.stderr
    (e,) = [e for e in events(imp.stderr) if e["event"] == "import"]
    assert (e["edition"], e["unit_set"], e["version"], e["user"]) == (2022, "63", 2, "chi-lan")
    assert e["file"] == "dti_2022.xlsx" and e["n_values"] == 63 * 9 and e["level"] == "info"
    assert len(e["sha256"]) == 64 and e["ts"].endswith("Z")

    rb = run(url, "rollback", "--year", "2022", "--to", "1", "--user", "anh-tuan", **env)
    assert rb.returncode == 0, rb.stderr
    (e,) = events(rb.stderr)
    assert (e["event"], e["version"], e["user"], e["edition"]) == ("rollback", 1, "anh-tuan", 2022)

    out = tmp_path / "b.zip"
    bk = run(url, "backup", "--out", str(out), **env)
    (e,) = events(bk.stderr)
    assert (e["event"], e["file"], e["originals"]) == ("backup", str(out), 1)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    rs = run(other, "restore", str(out), **env)
    assert rs.returncode == 0, rs.stderr
    e = events(rs.stderr)[-1]
    assert e["event"] == "restore" and e["file"] == str(out) and e["replaced_backup"] is None


def test_key_value_lines_by_default(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dti.db'}"
    init = run(url, "upgrade")
    line = init.stderr.strip().splitlines()[-1]
    assert line.startswith("ts=") and " level=info event=schema_upgrade after=" in line
    assert "before=" not in line  # unknown facts are left out


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(_Formatter(as_json=False))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    handler = _Lines()
    logger().addHandler(handler)
    yield handler.lines
    logger().removeHandler(handler)


def test_sign_ins_are_logged_without_the_password(app_env, pw_hash, log_lines):  # noqa: F811
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    secret = "Guess-Zebra-4711"
    at = open_page("upload")
    sign_in(at, secret, name=secret)  # a password typed into both fields
    sign_in(at, PASSWORD, name="Chị Lan")
    assert at.session_state["dti_role"] == "uploader"
    signs = [line for line in log_lines if "event=sign_in" in line]
    assert len(signs) == 2
    assert "level=warning" in signs[0] and "result=failure" in signs[0]
    assert "user_key=user:" in signs[0] and "method=password" in signs[0]
    assert "result=success" in signs[1] and 'user="password:Chị Lan"' in signs[1]
    text = "\n".join(log_lines)
    assert secret not in text and PASSWORD not in text and pw_hash not in text


# --------------------------------------------------------------------------- readiness


def test_check_readiness(tmp_path: Path, pg_url: str) -> None:
    missing = tmp_path / "missing.db"
    got = run(f"sqlite:///{missing}", "check")
    assert got.returncode == 1 and "run `python -m data init`" in got.stderr
    assert not missing.exists()  # the check writes nothing

    down = run("postgresql+psycopg://postgres@127.0.0.1:1/dti", "check")
    assert down.returncode == 1 and "database unreachable" in down.stderr

    legacy = f"sqlite:///{tmp_path / 'r1.db'}"
    from data.store import _engine

    eng = _engine(legacy)
    r1.init(eng)
    eng.dispose()
    old = run(legacy, "check")
    assert old.returncode == 1 and "run `python -m data upgrade`" in old.stderr
    assert run(legacy, "upgrade").returncode == 0
    ok = run(legacy, "check")
    assert ok.returncode == 0 and ok.stdout.startswith("ready:")

    pg = run(pg_url, "init")
    assert pg.returncode == 0, pg.stderr
    assert run(pg_url, "check").returncode == 0


# --------------------------------------------------------------------------- outage


def _overview(lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def _unavailable(at: AppTest, lang: str) -> bool:
    return t("store.unavailable", lang) in [w.value for w in at.warning]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def test_pages_say_the_store_is_unreachable_and_recover(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """The store is gone (a SQLite folder not there yet / a PostgreSQL database not yet
    created): viewers get a plain message in their language; once it is back, the page."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'later' / 'dti.db'}"

        def bring_back() -> None:
            (tmp_path / "later").mkdir()
    else:
        base = make_url(request.getfixturevalue("pg_url"))
        url = base.set(database="dti_later").render_as_string(hide_password=False)
        admin = base.set(drivername="postgresql").render_as_string(hide_password=False)

        def bring_back() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute('CREATE DATABASE "dti_later"')

        request.addfinalizer(lambda: _drop(admin, "dti_later"))
    monkeypatch.setenv("DTI_DB_URL", url)
    st.cache_resource.clear()
    for lang in ("vi", "en"):
        at = _overview(lang)
        assert not at.exception, at.exception
        assert _unavailable(at, lang)
        assert [b.label for b in at.button] == [t("store.retry", lang)]
        assert not at.metric
    bring_back()
    at.button(key="store_retry").click().run()
    assert not at.exception, at.exception
    assert not _unavailable(at, "en")
    assert "DTI rank 2024" in [m.label for m in at.metric]
    st.cache_resource.clear()


def _drop(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
