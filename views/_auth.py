"""The uploader role: password gate, optional OIDC (st.login), navigation, logout.

The role lives server-side in ``st.session_state`` (password gate) or comes from the
identity cookie that ``st.login`` sets (OIDC, checked against an e-mail allowlist on every
run). Pages that change data call ``require_uploader`` first: without the role they draw
the login form and stop, whatever route led there.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from data.auth import (
    FORGET_AFTER_S,
    email_allowed,
    is_valid_hash,
    lockout_seconds,
    parse_allowlist,
    sign_in_subjects,
    verify_password,
)
from data.logs import event
from data.store import BUNDLE_USER
from i18n import t
from views._run import per_run

HASH_SETTING = "DTI_UPLOAD_PASSWORD_HASH"
EMAILS_SETTING = "DTI_UPLOADER_EMAILS"
ROLE_KEY = "dti_role"
USER_KEY = "dti_user"
UPLOADER = "uploader"
MAX_NAME = 64


def _secret(name: str) -> Any:
    """A top-level secret, or None when there is no secrets file or no such key."""
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets.toml at all raises; treat as unset
        return None


def _setting(name: str) -> Any:
    return os.environ.get(name) or _secret(name)


def configured_hash() -> str | None:
    value = _setting(HASH_SETTING)
    return str(value).strip() if value else None


def _auth_section() -> Mapping[str, Any] | None:
    # once per run: reading st.secrets checks the secrets files on every access
    section = per_run("auth_section", lambda: _secret("auth"))
    return section if isinstance(section, Mapping) and section else None


def oidc_configured() -> bool:
    return _auth_section() is not None


def _oidc_provider() -> str | None:
    """None for a flat [auth] section; the name of the single [auth.<name>] otherwise."""
    section = _auth_section() or {}
    if "client_id" in section:
        return None
    named = [k for k, v in section.items() if isinstance(v, Mapping)]
    return named[0] if len(named) == 1 else None


def allowlist() -> frozenset[str]:
    return parse_allowlist(_setting(EMAILS_SETTING))


def _oidc_account() -> tuple[str, bool] | None:
    """(e-mail, verified) of the identity-provider account signed in, if any."""
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
        verified = st.user.get("email_verified") is True  # absent or false: not vouched for
    except Exception:  # st.user is unavailable outside a real session on some versions
        return None
    return (str(email), verified) if email else None


def _oidc_email() -> str | None:
    """The signed-in account's e-mail, only when the provider says it is verified."""
    account = _oidc_account()
    return account[0] if account and account[1] else None


def is_uploader() -> bool:
    if st.session_state.get(ROLE_KEY) == UPLOADER:
        return True
    return oidc_configured() and email_allowed(_oidc_email(), allowlist())


def current_user() -> str:
    """Who is acting, for the audit log: the OIDC e-mail or the name given at login."""
    email = _oidc_email()
    if email and email_allowed(email, allowlist()):
        return email[:128]
    return str(st.session_state.get(USER_KEY) or UPLOADER)[:128]


def display_user(user: str | None, lang: str) -> str:
    """A recorded user as people say it: "password:Nguyễn Văn A" -> "Nguyễn Văn A"; the
    bundled seed -> "the bundled data"; an e-mail stays an e-mail."""
    if not user:
        return "–"
    if user == BUNDLE_USER:
        return t("versions.seed_user", lang)
    how, sep, name = user.partition(":")
    return name if sep and how in ("password", "oidc") and name else user


def _client_address() -> str | None:
    """The client's address where Streamlit gives one (not behind every proxy)."""
    try:
        address = st.context.ip_address
    except Exception:  # no session context (bare runs)
        return None
    return address if isinstance(address, str) and address else None


def _password_sign_in_log(result: str, level: int, **fields: Any) -> None:
    event("sign_in", level, method="password", result=result, client=_client_address(), **fields)


def _try_password(password: str, name: str, lang: str) -> None:
    """Check a password against the configured hash, counting failures in the store (per
    typed name and per client address) so that reloads and new sessions do not reset
    them. Nothing here logs or stores the password."""
    from views._shared import store

    s = store()
    subjects = sign_in_subjects(name, _client_address())
    wait = s.sign_in_wait(subjects, time.time())
    if wait > 0:
        _password_sign_in_log("refused_locked", logging.WARNING, user_key=subjects[0])
        # Refused without checking: guessing during the wait is pointless (and each check
        # would cost the server a scrypt hash).
        st.error(t("auth.locked", lang, seconds=math.ceil(wait)))
        return
    if verify_password(password, configured_hash() or ""):
        s.sign_in_succeeded(subjects)
        st.session_state[ROLE_KEY] = UPLOADER
        st.session_state[USER_KEY] = f"password:{name.strip()[:MAX_NAME] or UPLOADER}"
        _password_sign_in_log("success", logging.INFO, user=st.session_state[USER_KEY])
        st.rerun()
    delay = s.sign_in_failed(subjects, time.time(), lockout_seconds, FORGET_AFTER_S)
    # A failed attempt's name may be a password typed in the wrong field: only its hash
    # (the same key the attempt counter uses) is logged.
    _password_sign_in_log(
        "failure", logging.WARNING, user_key=subjects[0], locked_s=math.ceil(delay)
    )
    if delay:
        st.error(t("auth.wrong_locked", lang, seconds=math.ceil(delay)))
    else:
        st.error(t("auth.wrong", lang))


def login_form(lang: str) -> None:
    """The sign-in choices that this deployment offers."""
    st.title(t("auth.title", lang))
    st.write(t("auth.intro", lang))
    stored = configured_hash()
    oidc = oidc_configured()
    if oidc:
        account = _oidc_account()
        if account:
            # Logged in at the identity provider but not on the allowlist, or with an
            # address the provider has not verified.
            st.warning(t("auth.not_allowed" if account[1] else "auth.unverified", lang))
            st.text(account[0])  # identity-provider text: plain, never markdown
            if st.button(t("auth.logout", lang), key="oidc_logout"):
                st.logout()
        elif st.button(t("auth.oidc_button", lang), type="primary", key="oidc_login"):
            provider = _oidc_provider()
            st.login(provider) if provider else st.login()
    if stored and is_valid_hash(stored):
        with st.form("password_login", clear_on_submit=True):
            name = st.text_input(t("auth.name", lang), max_chars=MAX_NAME, key="login_name")
            password = st.text_input(
                t("auth.password", lang), type="password", key="login_password"
            )
            submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
        if submitted:
            _try_password(password or "", name or "", lang)
    elif stored:
        st.error(t("auth.bad_hash", lang))
    elif not oidc:
        st.info(t("auth.disabled", lang))


def require_uploader(lang: str) -> str:
    """Return the acting user, or draw the login form and stop the page."""
    if not is_uploader():
        login_form(lang)
        st.stop()
    return current_user()


def logout() -> None:
    for key in (ROLE_KEY, USER_KEY):
        st.session_state.pop(key, None)
    if _oidc_account():
        st.logout()
    else:
        st.rerun()


def _log_oidc_sign_in() -> None:
    """One log line per session and account signed in with the identity provider."""
    account = _oidc_account() if oidc_configured() else None
    if account is None or st.session_state.get("_dti_oidc_logged") == account[0]:
        return
    st.session_state["_dti_oidc_logged"] = account[0]
    ok = account[1] and email_allowed(account[0], allowlist())
    event(
        "sign_in",
        logging.INFO if ok else logging.WARNING,
        method="oidc",
        result="success" if ok else "failure",
        user=account[0],
        email_verified=account[1],
        client=_client_address(),
    )


def auth_sidebar(lang: str) -> None:
    """Who is signed in, and the logout button (only for the uploader role)."""
    _log_oidc_sign_in()
    if not is_uploader():
        return
    st.sidebar.caption(t("auth.signed_in_as", lang))
    st.sidebar.text(display_user(current_user(), lang))  # plain text, never markdown
    if st.sidebar.button(t("auth.logout", lang), key="logout"):
        logout()


def login_page() -> None:
    from views._shared import current_lang

    lang = current_lang()
    if is_uploader():
        st.title(t("auth.signed_in_title", lang))
        st.success(t("auth.signed_in_as", lang))
        st.text(display_user(current_user(), lang))  # plain text, never markdown
        st.page_link("views/upload.py", label=t("nav.upload", lang))
        return
    login_form(lang)


def admin_pages(lang: str) -> list[st.Page]:
    """Pages of the administration group. Without the role only the sign-in page shows;
    the upload and versions URLs still resolve (hidden) so that opening them directly
    lands on their own gate, which draws the login form."""
    gated = "visible" if is_uploader() else "hidden"
    return [
        st.Page(
            "views/login.py",
            title=t("nav.login", lang),
            url_path="login",
            visibility="hidden" if is_uploader() else "visible",
        ),
        st.Page(
            "views/upload.py", title=t("nav.upload", lang), url_path="upload", visibility=gated
        ),
        st.Page(
            "views/versions.py",
            title=t("nav.versions", lang),
            url_path="versions",
            visibility=gated,
        ),
    ]
