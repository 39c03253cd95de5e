"""st.login (OIDC) against oidc-provider-mock, offline: an allowlisted e-mail gets the
uploader role, any other signed-in account does not, and logout drops the role."""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port, start_app

pytestmark = pytest.mark.e2e
WAIT = 60_000
ALLOWED = "it@so-khcn.gov.vn"
VISITOR = "visitor@example.org"  # verified, not allowlisted
UNVERIFIED = "new@so-khcn.gov.vn"  # allowlisted, but the provider does not vouch for it


def set_claims(idp: str, sub: str, claims: dict[str, object]) -> None:
    """The mock provider's user registry: PUT /users/<sub> with the account's claims."""
    req = urllib.request.Request(
        f"{idp}/users/{sub}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 204


@contextlib.contextmanager
def mock_provider() -> Iterator[str]:
    pytest.importorskip("oidc_provider_mock")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"{base}/.well-known/openid-configuration", timeout=2
                ) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("oidc-provider-mock did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def login_with_provider(page, app: str, email: str) -> None:
    page.goto(f"{app}/login?lang=en")
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_selector('input[name="sub"]', timeout=WAIT)  # the mock's form
    page.fill('input[name="sub"]', email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**", timeout=WAIT)
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=WAIT)


def test_oidc_login_allowlist_and_logout(browser, output_dir, tmp_path: Path, monkeypatch):
    with mock_provider() as idp:
        app_port = free_port()
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(
            'DTI_UPLOADER_EMAILS = ["' + ALLOWED + '", "' + UNVERIFIED + '"]\n'
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(16)}"\n'
            'client_id = "dti-dashboard"\n'
            'client_secret = "not-a-real-secret"\n'
            f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        # start_app picks its port with conftest.free_port; the redirect URI needs it first.
        monkeypatch.setattr(sys.modules[start_app.__module__], "free_port", lambda: app_port)
        env = {"STREAMLIT_SECRETS_FILES": str(secrets_file), "DTI_UPLOAD_PASSWORD_HASH": ""}
        set_claims(idp, ALLOWED, {"email": ALLOWED, "email_verified": True})
        set_claims(idp, UNVERIFIED, {"email": UNVERIFIED})  # email_verified absent
        set_claims(idp, VISITOR, {"email": VISITOR, "email_verified": True})
        with start_app(f"sqlite:///{tmp_path / 'oidc.db'}", env) as app:
            assert app.endswith(f":{app_port}")
            # Allowlisted, but the provider did not say the address is verified: refused.
            ctx = browser.new_context(viewport={"width": 1366, "height": 800})
            unverified = ctx.new_page()
            login_with_provider(unverified, app, UNVERIFIED)
            unverified.goto(f"{app}/upload?lang=en")
            unverified.wait_for_selector("text=has not verified the e-mail address", timeout=WAIT)
            assert unverified.locator('[data-testid="stFileUploader"]').count() == 0
            ctx.close()
            # Someone the provider knows but the allowlist does not.
            ctx = browser.new_context(viewport={"width": 1366, "height": 800})
            other = ctx.new_page()
            login_with_provider(other, app, VISITOR)
            other.goto(f"{app}/upload?lang=en")
            other.wait_for_selector("text=does not have the uploader role", timeout=WAIT)
            assert other.get_by_text(VISITOR, exact=True).count() == 1
            assert other.locator('a[href^="mailto:"]').count() == 0  # plain text, no link
            assert other.locator('[data-testid="stFileUploader"]').count() == 0
            assert "Upload data" not in other.locator('[data-testid="stSidebarNav"]').inner_text()
            other.screenshot(path=str(output_dir / "oidc_not_allowlisted.png"))
            ctx.close()

            # The allowlisted account gets the uploader pages.
            ctx = browser.new_context(viewport={"width": 1366, "height": 800})
            page = ctx.new_page()
            login_with_provider(page, app, ALLOWED)
            page.goto(f"{app}/upload?lang=en")
            page.wait_for_selector("text=Upload DTI data", timeout=WAIT)
            page.wait_for_selector('[data-testid="stFileUploader"]', timeout=WAIT)
            page.wait_for_selector("text=Signed in as:", timeout=WAIT)
            assert page.get_by_text(ALLOWED, exact=True).count() == 1
            assert "Upload data" in page.locator('[data-testid="stSidebarNav"]').inner_text()
            page.screenshot(path=str(output_dir / "oidc_uploader.png"))
            # The identity cookie is not readable from page scripts.
            identity = [c for c in ctx.cookies() if c["name"].startswith("_streamlit_user")]
            assert identity and all(c["httpOnly"] for c in identity)

            page.get_by_role("button", name="Sign out").click()
            page.wait_for_timeout(1500)
            page.goto(f"{app}/upload?lang=en")
            page.wait_for_selector("text=Sign in to update the data", timeout=WAIT)
            assert page.locator('[data-testid="stFileUploader"]').count() == 0
            ctx.close()
