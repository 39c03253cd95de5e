"""The uploader role: hashing, the password gate, lockout, role-gated navigation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from data.auth import (
    FORGET_AFTER_S,
    email_allowed,
    hash_password,
    is_valid_hash,
    lockout_seconds,
    parse_allowlist,
    parse_hash,
    sign_in_subjects,
    verify_password,
)

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "đúng-mật-khẩu 2026"
# Small n keeps the AppTest runs fast; the format and code path are the production ones.
FAST = {"n": 2**12, "r": 8, "p": 1}


@pytest.fixture(scope="module")
def pw_hash() -> str:
    return hash_password(PASSWORD, **FAST)


# --------------------------------------------------------------------------- data.auth


def test_hash_roundtrip_and_format(pw_hash):
    h = parse_hash(pw_hash)
    assert pw_hash.startswith("scrypt$4096$8$1$")
    assert len(h.salt) == 16 and len(h.key) == 32
    assert verify_password(PASSWORD, pw_hash)
    assert not verify_password(PASSWORD + " ", pw_hash)
    assert not verify_password("", pw_hash)
    # A fresh salt every time: the same password never gives the same string.
    assert hash_password(PASSWORD, **FAST) != pw_hash


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "plain",
        "bcrypt$4096$8$1$AAAA$BBBB",
        "scrypt$4096$8$1$not-base64!$AAAA",
        "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # n not a power of two
        "scrypt$2097152$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # n beyond the cap
    ],
)
def test_malformed_hash_never_verifies(bad):
    assert not is_valid_hash(bad)
    assert not verify_password("anything", bad)


def test_lockout_grows_after_five_failures_then_locks():
    assert [lockout_seconds(k) for k in range(5)] == [0, 0, 0, 0, 0]
    assert [lockout_seconds(k) for k in (5, 6, 7, 8, 9)] == [5, 10, 20, 40, 80]
    assert lockout_seconds(10) == lockout_seconds(50) == 900  # the temporary lock


def test_subjects_hash_the_name_and_name_the_address():
    user, addr = sign_in_subjects("  Chị Lan ", "203.0.113.7")
    assert user == sign_in_subjects("chị lan", None)[0]  # case and spaces do not matter
    assert "Lan" not in user and len(user) == len("user:") + 32
    assert addr == "addr:203.0.113.7"
    assert sign_in_subjects("x", None)[1] == "addr:unknown"


def test_store_counts_failures_across_threads_and_forgets(db_url):
    """Parallel guesses all count (the count is read and written under the write lock);
    the count restarts an hour after the last failure; success clears it."""
    import threading

    from data.store import Store, sign_in_attempts

    s = Store(db_url)
    s.init()
    subjects = ["user:a", "addr:198.51.100.1"]
    t0 = 1_000_000.0
    threads = [
        threading.Thread(
            target=s.sign_in_failed, args=(subjects, t0, lockout_seconds, FORGET_AFTER_S)
        )
        for _ in range(8)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with s.engine.connect() as c:
        q = sa.select(sign_in_attempts.c.subject, sign_in_attempts.c.failures)
        got = {r.subject: r.failures for r in c.execute(q)}
    assert got == {"user:a": 8, "addr:198.51.100.1": 8}
    assert s.sign_in_wait(["addr:198.51.100.1"], t0 + 1) == pytest.approx(39.0)  # 8 -> 40 s
    assert s.sign_in_wait(["user:other"], t0 + 1) == 0
    # the 9th failure doubles the wait; 10 failures lock for 15 minutes
    assert s.sign_in_failed(subjects, t0 + 50, lockout_seconds, FORGET_AFTER_S) == 80
    assert s.sign_in_failed(subjects, t0 + 200, lockout_seconds, FORGET_AFTER_S) == 900
    later = t0 + 200 + FORGET_AFTER_S + 1
    assert s.sign_in_wait(subjects, later) == 0
    assert s.sign_in_failed(subjects, later, lockout_seconds, FORGET_AFTER_S) == 0  # forgotten
    s.sign_in_succeeded(subjects)
    with s.engine.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(sign_in_attempts)).scalar() == 0
    s.engine.dispose()


def test_allowlist():
    allow = parse_allowlist(" It@Example.org; boss@x.vn ,@so-tt.gov.vn")
    assert email_allowed("it@example.org", allow)
    assert email_allowed("ANYONE@so-tt.gov.vn", allow)
    assert not email_allowed("it@example.org.evil", allow)
    assert not email_allowed(None, allow) and not email_allowed("x@y.z", frozenset())
    assert parse_allowlist(["a@b.c"]) == frozenset({"a@b.c"})


def test_cli_hash_password_reads_stdin():
    proc = subprocess.run(
        [sys.executable, "-m", "data", "hash-password"],
        cwd=REPO,
        input="s3cret pass\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.strip()
    assert out.startswith("scrypt$32768$8$1$")
    assert verify_password("s3cret pass", out) and not verify_password("s3cret", out)
    empty = subprocess.run(
        [sys.executable, "-m", "data", "hash-password"],
        cwd=REPO,
        input="\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert empty.returncode == 1 and "empty" in empty.stderr


# --------------------------------------------------------------------------- the gate


NAV_CALLS: list[dict[str, bool]] = []


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A fresh store, no auth settings, and the server's steady state for navigation.

    Pages live in views/ (not pages/), so Streamlit's legacy pages-directory mode never
    applies; the patch pins that state for AppTest, which resets it before every run.
    ``test_first_run_page_directory_mode_is_gated`` runs the upload page on its own.
    """
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.delenv("DTI_UPLOAD_PASSWORD_HASH", raising=False)
    monkeypatch.delenv("DTI_UPLOADER_EMAILS", raising=False)
    original_init = PagesManager.__init__

    def steady_state_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", steady_state_init)
    original_nav = st.navigation

    def spy(pages, *args, **kwargs):
        flat = (
            [p for group in pages.values() for p in group]
            if isinstance(pages, dict)
            else list(pages)
        )
        NAV_CALLS.append({p.url_path: p.visibility == "visible" for p in flat})
        return original_nav(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    NAV_CALLS.clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    yield monkeypatch
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(str(REPO / "views" / f"{page}.py")).run()
    return at


def sign_in(at: AppTest, password: str, name: str = "Chị Lan") -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[-1].click()  # the form's submit button is the last button on the page
    return at.run()


def nav_urls(at: AppTest) -> dict[str, bool]:
    """url_path -> listed in the navigation, from dashboard.py's last st.navigation call."""
    assert NAV_CALLS, "dashboard.py did not call st.navigation"
    return NAV_CALLS[-1]


@pytest.mark.parametrize("page", ["upload", "versions"])
def test_anonymous_direct_url_shows_login_form_only(app_env, pw_hash, page):
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    at = open_page(page)
    assert not at.exception, at.exception
    assert at.title[0].value == "Sign in to update the data"
    assert at.text_input(key="login_password").proto.type == 1  # PASSWORD
    assert not at.get("file_uploader")
    assert not [b for b in at.button if "Roll back" in b.label]
    assert not at.dataframe  # no version history leaks either


def test_uploads_disabled_without_hash(app_env):
    at = open_page("upload")
    assert not at.exception, at.exception
    assert "Uploads are disabled" in at.info[0].value
    assert not at.text_input  # no password field to guess at
    assert not at.get("file_uploader")


def test_malformed_hash_disables_uploads(app_env):
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", "scrypt$oops")
    at = open_page("upload")
    assert "not in the scrypt" in at.error[0].value
    assert not at.text_input


def test_hash_from_secrets(app_env, pw_hash):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30)
    at.secrets["DTI_UPLOAD_PASSWORD_HASH"] = pw_hash
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(str(REPO / "views" / "upload.py")).run()
    sign_in(at, PASSWORD)
    assert at.session_state["dti_role"] == "uploader"


def test_wrong_then_right_password(app_env, pw_hash):
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    at = open_page("upload")
    sign_in(at, "wrong")
    assert at.error[0].value == "Wrong password."
    assert "dti_role" not in at.session_state
    assert at.get("file_uploader") == []
    sign_in(at, PASSWORD)
    assert not at.exception, at.exception
    assert at.session_state["dti_role"] == "uploader"
    assert at.session_state["dti_user"] == "password:Chị Lan"
    assert at.title[0].value == "Upload DTI data"
    assert "Signed in as:" in [c.value for c in at.sidebar.caption]
    # the person's name as typed, without the store's "password:" prefix (issue 17)
    assert [x.value for x in at.sidebar.text] == ["Chị Lan"]


def test_typed_name_is_never_markup(app_env, pw_hash):
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    at = open_page("upload")
    name = "**x** ![i](http://example.org/i.png) <b>y</b>"
    sign_in(at, PASSWORD, name)
    assert [x.value for x in at.sidebar.text] == [name]  # st.text: plain, no prefix
    everything = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not [v for v in everything if "example.org" in v]


def _expire_waits(tmp_path: Path) -> None:
    """Stand-in for the clock moving on: every wait in the app's store is over."""
    eng = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with eng.begin() as c:
        c.execute(sa.text("UPDATE sign_in_attempts SET locked_until = 0"))
    eng.dispose()


def test_lockout_survives_reloads_and_new_sessions(app_env, pw_hash, tmp_path):
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    at = open_page("upload")
    for _ in range(4):
        sign_in(at, "nope")
        assert at.error[0].value == "Wrong password."
    sign_in(at, "nope")  # the fifth failure starts the delay
    assert "wait 5 seconds" in at.error[0].value
    # A reload is a new session: the count lives in the store, so it is still locked and
    # the right password is not even checked.
    fresh = open_page("upload")
    sign_in(fresh, PASSWORD)
    assert re.search(r"wait [1-5] more seconds", fresh.error[0].value), fresh.error[0].value
    assert "dti_role" not in fresh.session_state
    # Another name from the same address is counted against the address too.
    _expire_waits(tmp_path)
    sign_in(fresh, "nope", name="Someone else")
    assert "wait 10 seconds" in fresh.error[0].value
    # Once the wait is over the right password works and clears the counts.
    _expire_waits(tmp_path)
    sign_in(fresh, PASSWORD)
    assert fresh.session_state["dti_role"] == "uploader"
    eng = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with eng.connect() as c:
        left = c.execute(sa.text("SELECT subject, failures FROM sign_in_attempts")).all()
    eng.dispose()
    assert [f for _, f in left] == [1]  # only "Someone else"'s own failure remains


def test_temporary_lock_after_ten_failures_says_how_long(app_env, pw_hash, tmp_path):
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    at = open_page("upload", lang="vi")
    for _ in range(9):
        sign_in(at, "sai")
        _expire_waits(tmp_path)
    sign_in(at, "sai")
    assert "chờ 900 giây" in at.error[0].value


def test_password_is_never_logged_or_stored(app_env, pw_hash, tmp_path, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    secret = "Guess-Zebra-4711"
    at = open_page("upload")
    sign_in(at, secret, name="Guess-Name")
    sign_in(at, PASSWORD, name=secret)  # a password typed into the name field
    assert secret not in caplog.text and PASSWORD not in caplog.text
    st.cache_resource.clear()  # closes the app's store; the WAL is checkpointed
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("app.db*"))
    assert raw and secret.encode() not in raw and PASSWORD.encode() not in raw
    assert b"Guess-Name" not in raw  # names are counted by their hash only


def test_navigation_is_role_gated_and_logout(app_env, pw_hash):
    app_env.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    at = open_page()
    urls = nav_urls(at)
    assert urls["login"] is True
    assert urls["upload"] is False and urls["versions"] is False  # resolvable, not listed
    at.switch_page(str(REPO / "views" / "upload.py")).run()
    sign_in(at, PASSWORD)
    urls = nav_urls(at)
    assert urls["upload"] is True and urls["versions"] is True and urls["login"] is False
    at.sidebar.button(key="logout").click().run()
    assert "dti_role" not in at.session_state
    assert nav_urls(at)["upload"] is False
    assert at.title[0].value == "Sign in to update the data"


def test_first_run_page_directory_mode_is_gated(tmp_path, monkeypatch, pw_hash):
    """Run on its own (outside dashboard.py's navigation), the upload page's own gate
    still shows only the form: defence in depth behind the role-gated navigation."""
    monkeypatch.setenv("DTI_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("DTI_UPLOAD_PASSWORD_HASH", pw_hash)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "views" / "upload.py"), default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Sign in to update the data"
    assert not at.get("file_uploader")
    st.cache_resource.clear()
