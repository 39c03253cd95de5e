"""A throwaway PostgreSQL cluster on 127.0.0.1 (Debian server binaries), for the tests
(tests/conftest.py ``pg_url``) and the load test (``python -m bench.loadtest``).

The recipe of ../shared/design/stack.md: initdb as the ``postgres`` user when run as root,
trust auth, a free port, durability off (a throwaway cluster), stopped and deleted on exit.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from glob import glob
from pathlib import Path


class PgUnavailable(RuntimeError):
    """The machine cannot run a throwaway server (no binaries, no postgres user)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bin_dir() -> Path | None:
    """Highest-version server bin dir under /usr/lib/postgresql (Debian layout)."""

    def version(initdb: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", initdb)
        return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)

    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    return Path(found[-1]).parent if found else None


def _run(cmd: list[str]) -> None:
    # Capture output so a failure shows what the PostgreSQL tool said.
    # cwd=/tmp: the postgres user may not be allowed into the repo or root's home.
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd="/tmp")
    if proc.returncode != 0:
        raise RuntimeError(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
        )


@contextlib.contextmanager
def throwaway_postgres(database: str = "dti_test") -> Iterator[str]:
    """Start a cluster; yield a SQLAlchemy URL to ``database``; stop and delete it after."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise PgUnavailable("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")

    # initdb/postgres refuse to run as root: as root, run them as the `postgres` user
    # (created by Debian's postgresql-common) and give it the data dir.
    as_user: list[str] = []
    data_dir = Path(tempfile.mkdtemp(prefix="dti-pg-"))
    if os.geteuid() == 0:
        try:
            pg_user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(data_dir, ignore_errors=True)
            raise PgUnavailable(
                "running as root but there is no 'postgres' system user to run the server"
            ) from None
        os.chown(data_dir, pg_user.pw_uid, pg_user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]

    port = _free_port()
    log_file = data_dir / "server.log"
    started = False
    try:
        # UTF8 explicitly: with no locale in the environment initdb would pick SQL_ASCII,
        # which mangles Vietnamese names.
        _run([
            *as_user, str(bin_dir / "initdb"), "-D", str(data_dir), "-A", "trust",
            "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-instructions",
        ])  # fmt: skip
        # Durability is pointless for a throwaway cluster; turning it off speeds up tests.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k /tmp"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            _run([
                *as_user, str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-o", options,
                "-l", str(log_file), "-w", "start",
            ])  # fmt: skip
        except RuntimeError as exc:
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            raise RuntimeError(f"{exc}\n--- server log ---\n{log}") from None
        started = True
        # TCP + trust auth: no need to switch user for client tools.
        _run([
            str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
            database,
        ])  # fmt: skip
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
    finally:
        if started:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"],
                capture_output=True,
                cwd="/tmp",
                check=False,
            )
        shutil.rmtree(data_dir, ignore_errors=True)
