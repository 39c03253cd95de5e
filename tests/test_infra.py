"""Checks that the test infrastructure itself works: PostgreSQL, Chromium, app server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from conftest import start_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.mark.pg
def test_pg_server_answers(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select 1")).scalar_one() == 1
    finally:
        engine.dispose()


def test_db_url_round_trips_vietnamese_text(db_url: str) -> None:
    # Both backends must keep diacritics intact (a SQL_ASCII cluster would not).
    engine = sa.create_engine(db_url)
    meta = sa.MetaData()
    t = sa.Table("t", meta, sa.Column("name", sa.String(50)))
    try:
        meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(t.insert(), [{"name": "Thừa Thiên Huế"}, {"name": "Đắk Lắk"}])
        with engine.connect() as conn:
            names = conn.execute(sa.select(t.c.name).order_by(t.c.name)).scalars().all()
        assert sorted(names) == sorted(["Thừa Thiên Huế", "Đắk Lắk"])
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_chromium_launches(chromium_path: str, browser: Browser) -> None:
    assert Path(chromium_path).exists()
    page = browser.new_page()
    try:
        page.goto("data:text/html,<h1>ok</h1>")
        assert page.text_content("h1") == "ok"
    finally:
        page.close()


@pytest.mark.e2e
def test_start_app_serves_a_streamlit_page(
    browser: Browser, tmp_path: Path, output_dir: Path
) -> None:
    # A stand-in script keeps this independent of the real dashboard and `data init`.
    script = tmp_path / "hello.py"
    script.write_text('import streamlit as st\n\nst.title("Xin chào")\n', encoding="utf-8")
    with start_app(f"sqlite:///{tmp_path / 'dti.db'}", script=script, init=False) as base_url:
        page = browser.new_page()
        try:
            page.goto(base_url)
            heading = page.locator("h1").first
            heading.wait_for(timeout=30_000)
            assert "Xin chào" in heading.inner_text()
            page.screenshot(path=str(output_dir / "infra_hello.png"))
        finally:
            page.close()
