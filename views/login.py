"""Đăng nhập / Sign in: the uploader role."""

from views._auth import login_page

login_page()
