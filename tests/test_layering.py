"""Rules of the house, enforced: pure metrics/charts, no streamlit below the pages."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IO_MODULES = {
    "sqlalchemy",
    "psycopg",
    "openpyxl",
    "python_calamine",
    "requests",
    "urllib",
    "socket",
    "subprocess",
    "shutil",
    "tempfile",
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def full_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.id if isinstance(f, ast.Name) else getattr(f, "attr", ""))
    return names


def files(folder: str, include_main: bool = True) -> list[Path]:
    return [
        p for p in sorted((REPO / folder).glob("*.py")) if include_main or p.name != "__main__.py"
    ]


@pytest.mark.parametrize("folder", ["data", "metrics", "charts", "i18n"])
def test_no_streamlit_below_pages(folder):
    assert files(folder)
    for path in files(folder):
        assert "streamlit" not in imports(path), path


@pytest.mark.parametrize("folder", ["metrics", "charts"])
def test_metrics_and_charts_do_no_io(folder):
    for path in files(folder, include_main=False):
        mods = imports(path)
        assert not (mods & IO_MODULES), (path, mods & IO_MODULES)
        assert not (
            full_imports(path)
            & {
                "data.store",
                "data.dataset",
                "app.dataset",
                "data.ingest",
                "data.export",
                "data.__main__",
            }
        ), path
        assert not (
            {"open", "read_csv", "read_excel", "to_csv", "to_excel", "connect"} & calls(path)
        ), path


def test_metrics_import_no_plotly():
    for path in files("metrics"):
        assert "plotly" not in imports(path), path


def test_pages_do_not_compute():
    """Pages call metrics; they do not group, merge or pivot themselves."""
    banned = {"groupby", "merge", "pivot", "pivot_table", "melt", "apply"}
    for path in sorted((REPO / "views").glob("*.py")):
        used = calls(path) & banned
        assert not used, (path, used)
