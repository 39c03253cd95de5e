"""Shared test fixtures: throwaway PostgreSQL, database URLs, Chromium, a running app.

Fixtures that need something from the system (PostgreSQL server binaries, chromium)
skip when it is missing on a developer machine, but fail under CI=true: there
`.ci/run` has installed it, so a missing piece is a real breakage, not a reason to skip.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI; the sandbox refuses root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no outside network: without these Chromium keeps retrying
    # Google's services and slows every start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APP_START_TIMEOUT_S = 60.0


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> NoReturn:
    """Skip locally, fail in CI (where .ci/run must have installed the dependency)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run should have installed it)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    # The kernel hands out an unused port; the tiny race until the server binds is acceptable.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1; yields a SQLAlchemy URL to `dti_test`."""
    from tools.pg import PgUnavailable, throwaway_postgres

    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_postgres())
        except PgUnavailable as exc:
            missing(str(exc))
        yield url


@contextlib.contextmanager
def new_pg_database(pg_url: str) -> Iterator[str]:
    """A new, empty database on the throwaway cluster; dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    name = f"dti_{uuid.uuid4().hex[:12]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE (PG 13+) drops connections a test's engine pool may still hold.
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test: SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dti.db'}"
        return
    # Looked up lazily so that SQLite-only runs never start the cluster.
    with new_pg_database(request.getfixturevalue("pg_url")) as url:
        yield url


@pytest.fixture
def pg_db_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (for tests that need PostgreSQL specifically)."""
    with new_pg_database(pg_url) as url:
        yield url


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found (Debian package 'chromium')")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """Headless Debian chromium driven by Playwright; `playwright install` is never needed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """<repo>/test-output/, for screenshots and other artefacts worth looking at."""
    out = REPO / "test-output"
    out.mkdir(exist_ok=True)
    return out


# --------------------------------------------------------------------------- the app


def _tail(f: IO[str], limit: int = 8000) -> str:
    f.flush()
    f.seek(0)
    return f.read()[-limit:]


def _wait_healthy(proc: subprocess.Popen[str], url: str, timeout_s: float) -> str | None:
    """None once `url` answers "ok"; otherwise why it did not."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"server exited with code {proc.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    return f"no 'ok' from {url} within {timeout_s:.0f} s"


@contextlib.contextmanager
def start_app(
    db_url: str,
    env_extra: Mapping[str, str] | None = None,
    *,
    script: Path = REPO / "dashboard.py",
    init: bool = True,
) -> Iterator[str]:
    """Run `streamlit run <script>` on a free port against `db_url`; yield its base URL.

    With `init`, `python -m data init` first creates and seeds the store with the same
    environment. The server runs in its own process group so teardown also ends any
    children it spawned (e.g. kaleido's chromium).
    """
    env = {**os.environ, "DTI_DB_URL": db_url, **(env_extra or {})}
    if init:
        proc = subprocess.run(
            [sys.executable, "-m", "data", "init"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"`python -m data init` failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        # No file watching: saves a core's worth of polling on a 2-core machine.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    # Files rather than pipes: a chatty server would block on a full pipe nobody reads.
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
    ):
        # cwd=REPO so Streamlit picks up .streamlit/config.toml.
        server = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=out, stderr=err, text=True, start_new_session=True
        )
        try:
            problem = _wait_healthy(server, f"{base_url}/_stcore/health", APP_START_TIMEOUT_S)
            if problem is not None:
                raise RuntimeError(
                    f"Streamlit did not start: {problem}\n"
                    f"--- stdout ---\n{_tail(out)}\n--- stderr ---\n{_tail(err)}"
                )
            yield base_url
        finally:
            _stop_group(server)


def _stop_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard, initialised on its own SQLite file, shared by the whole session."""
    db_file = tmp_path_factory.mktemp("app") / "dti.db"
    with start_app(f"sqlite:///{db_file}") as base_url:
        yield base_url


# ---------------------------------------------------------------- the bundled dataset


@pytest.fixture(scope="module")
def bundled_ds():  # noqa: ANN201
    """The bundled values, scored and ranked (module-scoped: reading them takes a while)."""
    from app.dataset import build_dataset
    from data.store import load_bundle

    return build_dataset(load_bundle())


@pytest.fixture(scope="module")
def bundled_prov(bundled_ds):  # noqa: ANN001, ANN201
    from metrics.provenance import provenance

    return provenance(bundled_ds.values, bundled_ds.scores, bundled_ds.frameworks)


@pytest.fixture
def fresh_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A page test's own SQLite store and empty Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
