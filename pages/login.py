"""Đăng nhập / Sign in: the uploader role (a file, not a callable, so that the URL also
resolves on a fresh server's first request; see pages/__init__.py)."""

from pages._auth import login_page

login_page()
