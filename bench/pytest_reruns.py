"""Server-side rerun of every page against a bare page drawing the same prebuilt figures.

Run by ``bench/bench_pages.py`` through pytest-benchmark (calibrated rounds, JSON out):
``python -m pytest bench/pytest_reruns.py --benchmark-json=OUT``. Each page is run once to
warm the caches (dataset, figures) and to capture its plotly figures; the floor app then
draws exactly those figures, prebuilt, so the ratio is the page's own work over the cost
of shipping the same charts. AppTest drives the real script runner (no browser); unlike a
server it compiles the scripts again on every run, so the tests share one ScriptCache, as
a server process does (otherwise compiling our two scripts would be counted as page work).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench.browser import REPO, init_db

PAGES = ["overview", "rankings", "profile", "compare", "map", "methodology", "present"]
FLOOR = REPO / "bench" / "apps" / "floor_figures.py"
ROUNDS = 5


@pytest.fixture(scope="module", autouse=True)
def _store(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["DTI_DB_URL"] = init_db(str(tmp_path_factory.mktemp("db")))["DTI_DB_URL"]


@pytest.fixture(scope="module", autouse=True)
def _compiled_once() -> None:
    """One bytecode cache for every run, as in a server (AppTest makes a new one a run)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[misc,assignment]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[misc,assignment]


@cache
def _page(page: str) -> tuple[AppTest, list[str]]:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = "vi"
    at.switch_page(str(REPO / "views" / f"{page}.py"))
    at.run()
    assert not at.exception, at.exception
    return at, [c.proto.spec for c in at.get("plotly_chart")]


@pytest.mark.parametrize("kind", ["ours", "floor"])
@pytest.mark.parametrize("page", PAGES)
def test_rerun(benchmark, page: str, kind: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    at, specs = _page(page)
    benchmark.extra_info["charts"] = len(specs)
    if kind == "floor":
        figs = tmp_path / "figures.json"
        figs.write_text(json.dumps(specs))
        os.environ["BENCH_FIGURES"] = str(figs)
        at = AppTest.from_file(str(FLOOR), default_timeout=120)
        at.run()
        assert len(at.get("plotly_chart")) == len(specs)
    benchmark.pedantic(at.run, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    assert not at.exception, at.exception
