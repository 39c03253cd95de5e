"""The production deployment in deploy/: settings that must agree, the nightly backup with
rotation, and nginx in front of two app processes sharing PostgreSQL, in chromium."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port, missing, start_app
from test_e2e_upload import confirm, e2e_hash, rank_shown, sign_in, upload  # noqa: F401
from test_upload import home_rank, workbook

from data.backup import read_manifest
from data.store import Store

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
SITE = DEPLOY / "nginx" / "dti.conf"
PROD_CONFIG = DEPLOY / "streamlit" / "config.toml"
COOKIE_SECRET = "test-cookie-secret-shared-by-both-processes"


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _active_nginx(text: str) -> str:
    """The site file without comments (the TLS block is a commented template)."""
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


# --------------------------------------------------------------------------- settings


def test_production_settings_agree() -> None:
    prod = _toml(PROD_CONFIG)
    assert prod["client"]["showErrorDetails"] == "none"
    assert prod["server"]["enableXsrfProtection"] is True
    upload_mb = prod["server"]["maxUploadSize"]
    assert upload_mb == 20
    site = _active_nginx(SITE.read_text(encoding="utf-8"))
    (body,) = re.findall(r"client_max_body_size\s+(\d+)m;", site)
    assert int(body) == upload_mb + 1  # the file plus the multipart envelope
    # The repository's config is read after the production one: it may not weaken it.
    repo_cfg = _toml(REPO / ".streamlit" / "config.toml")
    for section, options in repo_cfg.items():
        for key, value in options.items():
            if key in prod.get(section, {}):
                assert prod[section][key] == value, f"{section}.{key}"
    # Sticky sessions, WebSocket upgrade, long reads on the stream, two processes.
    assert re.search(r"upstream dti_app \{\s*hash \$dti_route consistent;", site)
    assert len(re.findall(r"^\s*server 127\.0\.0\.1:\d+", site, re.M)) >= 2
    stream = site[site.index("location /_stcore/stream") :]
    stream = stream[: stream.index("}")]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $dti_connection_upgrade;" in stream
    assert re.search(r"proxy_read_timeout \d+s;", stream)
    unit = (DEPLOY / "systemd" / "dti@.service").read_text(encoding="utf-8")
    assert "--server.port %i --server.address 127.0.0.1" in unit
    assert "EnvironmentFile=/etc/dti/dti.env" in unit
    env = (DEPLOY / "dti.env.example").read_text(encoding="utf-8")
    for name in (
        "DTI_DB_URL='postgresql",
        "DTI_UPLOAD_PASSWORD_HASH=''",
        "STREAMLIT_SERVER_COOKIE",
    ):
        assert name in env


def test_env_file_keeps_a_pasted_hash_when_sourced(tmp_path: Path) -> None:
    """The backup job and the README's shell steps source the env file: a hash pasted
    between its quotes must come through with every "$" intact."""
    from data.auth import hash_password

    hashed = hash_password("x", n=2**12)
    text = (DEPLOY / "dti.env.example").read_text(encoding="utf-8")
    env_file = tmp_path / "dti.env"
    env_file.write_text(
        text.replace("DTI_UPLOAD_PASSWORD_HASH=''", f"DTI_UPLOAD_PASSWORD_HASH='{hashed}'")
    )
    got = subprocess.run(
        ["sh", "-c", f'set -a; . {env_file}; printf %s "$DTI_UPLOAD_PASSWORD_HASH"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert got.stdout == hashed and hashed.count("$") == 5


# --------------------------------------------------------------------------- backups


def test_nightly_backup_script_rotates(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dti.db'}"
    Store(url).seed_if_empty()
    out = tmp_path / "backups"
    out.mkdir()
    old = ["dti-20250101T023000Z.zip", "dti-20250102T023000Z.zip", "dti-20250103T023000Z.zip"]
    for name in old:
        (out / name).write_bytes(b"old")
    (out / "notes.txt").write_text("not a backup: never touched")
    env = {
        **os.environ,
        "DTI_DB_URL": url,
        "DTI_BACKUP_DIR": str(out),
        "DTI_BACKUP_KEEP": "2",
        "DTI_HOME": str(REPO),
    }
    script = DEPLOY / "backup" / "dti-backup.sh"
    got = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=False)
    assert got.returncode == 0, got.stderr
    left = sorted(p.name for p in out.iterdir())
    new = [n for n in left if n not in old and n != "notes.txt"]
    assert len(new) == 1 and re.fullmatch(r"dti-\d{8}T\d{6}Z\.zip", new[0])
    assert left == sorted([old[-1], new[0], "notes.txt"])
    zf, manifest = read_manifest(out / new[0])
    zf.close()
    assert (
        manifest.tables["dti_values"].rows == 2518
    )  # the bundle: 2,512 values of release 1 + 6 published totals (issue 16)
    bad = subprocess.run(
        [str(script)], env={**env, "DTI_BACKUP_KEEP": "0"}, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "DTI_BACKUP_KEEP" in bad.stderr


# --------------------------------------------------------------------------- nginx + 2 apps


def _nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        missing("nginx not found (Debian package 'nginx')")
    return found


def _render_site(ports: tuple[int, int], listen: int) -> str:
    """deploy/nginx/dti.conf itself, with test ports: each edit must apply exactly once."""
    text = SITE.read_text(encoding="utf-8")
    edits = [
        ("server 127.0.0.1:8501 ", f"server 127.0.0.1:{ports[0]} "),
        ("server 127.0.0.1:8502 ", f"server 127.0.0.1:{ports[1]} "),
        ("    listen 80;\n", f"    listen 127.0.0.1:{listen};\n"),
        ("    listen [::]:80;\n", ""),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@contextlib.contextmanager
def run_nginx(prefix: Path, site: str, listen: int) -> Iterator[str]:
    nginx = _nginx_binary()
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 256; }}
http {{
    log_format routes '$request_uri $cookie_dti_route $upstream_addr $status';
    access_log {prefix}/access.log routes;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
""",
        encoding="utf-8",
    )
    args = [
        nginx,
        "-p",
        str(prefix),
        "-c",
        str(prefix / "nginx.conf"),
        "-e",
        str(prefix / "error.log"),
    ]
    test = subprocess.run([*args, "-t"], capture_output=True, text=True, check=False)
    assert test.returncode == 0, test.stderr
    proc = subprocess.Popen([*args, "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{listen}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with (
                contextlib.suppress(urllib.error.URLError, ConnectionError),
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r,
            ):
                if r.read().strip() == b"ok":
                    break
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, (prefix / "error.log").read_text()
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _route_cookies(base: str, ports: tuple[int, int]) -> dict[int, str]:
    """A route-cookie value that nginx sends to each app process."""
    found: dict[int, str] = {}
    for i in range(200):
        value = f"route-{i}"
        req = urllib.request.Request(
            f"{base}/_stcore/health", headers={"Cookie": f"dti_route={value}"}
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            upstream = r.headers["X-DTI-Upstream"]
            assert any(c.startswith(f"dti_route={value};") for c in r.headers.get_all("Set-Cookie"))
        port = int(upstream.rsplit(":", 1)[1])
        found.setdefault(port, value)
        if len(found) == 2:
            break
    assert set(found) == set(ports), found
    return found


@pytest.mark.e2e
@pytest.mark.pg
@pytest.mark.deploy
def test_nginx_two_processes_postgresql_in_chromium(
    browser,
    output_dir,
    pg_db_url,
    tmp_path,
    e2e_hash,  # noqa: F811
) -> None:
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    shutil.copy(PROD_CONFIG, home / ".streamlit" / "config.toml")
    env = {
        "HOME": str(home),
        "DTI_UPLOAD_PASSWORD_HASH": e2e_hash,
        "DTI_CONFIG_DIR": str(tmp_path / "cfg"),
        "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET,
    }
    init = subprocess.run(
        [sys.executable, "-m", "data", "init"],
        cwd=REPO,
        env={**os.environ, **env, "DTI_DB_URL": pg_db_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    store = Store(pg_db_url)
    original = f"{home_rank(store)}/63"
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    listen = free_port()
    with (
        start_app(pg_db_url, env, init=False) as one,
        start_app(pg_db_url, env, init=False) as two,
    ):
        ports = (int(one.rsplit(":", 1)[1]), int(two.rsplit(":", 1)[1]))
        with run_nginx(prefix, _render_site(ports, listen), listen) as base:
            routes = _route_cookies(base, ports)
            pages = {}
            for port, value in routes.items():
                ctx = browser.new_context(viewport={"width": 1366, "height": 900})
                ctx.add_cookies([{"name": "dti_route", "value": value, "url": base}])
                pages[port] = ctx.new_page()
            uploader, viewer = pages[ports[0]], pages[ports[1]]
            assert rank_shown(viewer, base) == original  # process two warms its cache
            assert rank_shown(uploader, base) == original

            # Upload through process one (signed in through nginx) ...
            sign_in(uploader, base)
            upload(uploader, "dti_2024_nginx.xlsx", workbook(home_value=0.995))
            confirm(uploader)
            # ... and process two shows the new version on its next run.
            assert rank_shown(viewer, base) == "1/63"
            viewer.screenshot(path=str(output_dir / "deploy_nginx_second_process_sees_upload.png"))
            for page in pages.values():
                assert page.locator('[data-testid="stException"]').count() == 0
                page.context.close()
        access = (prefix / "access.log").read_text().splitlines()

    assert [v.number for v in store.versions(2024, "63")] == [1, 2]
    assert store.versions(2024, "63")[1].user == "password:Cán bộ Sở"
    # Every WebSocket of each browser went to its own process: sessions were sticky.
    streams = [line.split() for line in access if line.startswith("/_stcore/stream")]
    for port, value in routes.items():
        mine = [s for s in streams if s[1] == value]
        assert mine and {s[2] for s in mine} == {f"127.0.0.1:{port}"}, streams
    store.engine.dispose()
