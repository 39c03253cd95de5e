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


# Named exceptions to the IO rule, with the reason.
IO_ALLOW = {
    # kaleido renders a deck's pictures in one batch into a temporary folder it then reads
    "charts/export.py": {"tempfile"},
}


@pytest.mark.parametrize("folder", ["metrics", "charts"])
def test_metrics_and_charts_do_no_io(folder):
    for path in files(folder, include_main=False):
        rel = path.relative_to(REPO).as_posix()
        mods = imports(path) - IO_ALLOW.get(rel, set())
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


# --------------------------------------------------------------------------- layers

PRODUCT = ("data", "metrics", "charts", "views", "app", "domain", "i18n")


def product_modules() -> list[Path]:
    """Every module of the product, __main__.py and dashboard.py included."""
    out = [REPO / "dashboard.py"]
    for folder in PRODUCT:
        out += [p for p in sorted((REPO / folder).rglob("*.py")) if "migrations" not in p.parts]
    return out


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    return ".".join(rel.parts)


def top_imports(path: Path) -> set[str]:
    """Every module imported anywhere in the file (lazy imports too), dotted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return out


# layer -> top-level packages it must not import
FORBIDDEN = {
    "domain": {"data", "metrics", "charts", "views", "app", "streamlit"},
    "metrics": {"data", "charts", "views", "app", "streamlit", "plotly"},
    "charts": {"data", "views", "app", "streamlit"},
    "data": {"streamlit", "charts", "views", "app"},
    "app": {"views", "streamlit"},
    "i18n": {"data", "metrics", "charts", "views", "app", "streamlit"},
}
# data may call these metrics functions to validate an upload (totals and ranks), no others.
DATA_MAY_USE = {
    "metrics.scoring.composites",
    "metrics.scoring.round4",
    "metrics.ranking.rank_among",
}


# Named exceptions, to shrink (see README "Design"): each says why it is still here.
def _data_may(imp: str) -> bool:
    """data may import only the named validation functions (and their modules) of metrics."""
    return imp in DATA_MAY_USE or imp in {d.rsplit(".", 1)[0] for d in DATA_MAY_USE}


LAYER_EXCEPTIONS: dict[str, str] = {}


def test_layers_import_only_downward():
    """domain <- metrics <- charts; data is IO; app combines them; views and CLIs call app."""
    bad = []
    for path in product_modules():
        name = module_name(path)
        layer = name.split(".")[0]
        if layer not in FORBIDDEN or name in LAYER_EXCEPTIONS:
            continue
        # An entry point (python -m X) is a thin caller of app/: it may import app.
        banned = FORBIDDEN[layer] - ({"app"} if name.endswith(".__main__") else set())
        for imp in top_imports(path):
            top = imp.split(".")[0]
            if top in banned or (layer == "data" and top == "metrics" and not _data_may(imp)):
                bad.append((name, imp))
    assert not bad, bad


def test_layer_walk_sees_every_entry_point():
    names = {module_name(p) for p in product_modules()}
    assert {"dashboard", "data.__main__", "metrics.__main__", "charts.__main__"} <= names
    assert "data.ingest.parse" in names and "app.dataset" in names


@pytest.mark.parametrize("package", ["data", "metrics", "charts"])
def test_entry_points_are_thin(package):
    """`python -m X` only calls app.cli.X: no function or class of its own, no other import."""
    tree = ast.parse((REPO / package / "__main__.py").read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert top_imports(REPO / package / "__main__.py") == {
        "app.cli",
        "app.cli.run",
        f"app.cli.{package}",
        f"app.cli.{package}.main",
    }


def test_layering_exceptions_are_still_needed():
    """An exception that no longer breaks a rule is removed from the list (it shrinks)."""
    for name in LAYER_EXCEPTIONS:
        path = REPO / (name.replace(".", "/") + ".py")
        assert path.exists(), name
        layer = name.split(".")[0]
        tops = {i.split(".")[0] for i in top_imports(path)}
        assert tops & (FORBIDDEN[layer] | ({"metrics"} if layer == "data" else set())), name


# --------------------------------------------------------------------------- pages


def _column(node: ast.AST) -> bool:
    """frame["col"] (not st.session_state[...] or st.query_params[...])."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)):
        return False
    value = node.value
    return isinstance(node.slice.value, str) and not (
        isinstance(value, ast.Attribute) and value.attr in {"session_state", "query_params"}
    )


def page_computations(path: Path) -> list[tuple[str, str]]:
    """(kind, source line) of arithmetic on frame columns, filtering and number formatting."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for n in ast.walk(ast.parse("\n".join(lines))):
        kind = None
        if isinstance(n, ast.BinOp) and isinstance(
            n.op, ast.Add | ast.Sub | ast.Mult | ast.Div | ast.FloorDiv | ast.Pow | ast.Mod
        ):
            if _column(n.left) or _column(n.right):
                kind = "arithmetic"
        elif (
            isinstance(n, ast.Subscript)
            and (
                isinstance(n.slice, ast.Compare | ast.BoolOp)
                or (
                    isinstance(n.slice, ast.BinOp)
                    and isinstance(n.slice.op, ast.BitAnd | ast.BitOr)
                )
            )
            or isinstance(n, ast.Call)
            and getattr(n.func, "attr", None) in {"query", "isin"}
        ):
            kind = "filter"
        elif (
            isinstance(n, ast.FormattedValue)
            and n.format_spec is not None
            or isinstance(n, ast.Call)
            and getattr(n.func, "id", None) == "round"
        ):
            kind = "number format"
        if kind:
            out.append((kind, lines[n.lineno - 1].strip()))
    return out


# (page, line): named exceptions to the page rule; empty, and to stay so (picking the one
# row to show is metrics.select's job).
PAGE_ALLOW: set[tuple[str, str]] = set()


def test_pages_do_no_arithmetic_filtering_or_number_formatting():
    """Pages draw what metrics computed and i18n formatted (one hop to the metrics)."""
    found = {
        (p.name, line): kind
        for p in sorted((REPO / "views").glob("*.py"))
        for kind, line in page_computations(p)
    }
    assert set(found) <= PAGE_ALLOW, {k: v for k, v in found.items() if k not in PAGE_ALLOW}


def test_page_rule_catches_what_it_names(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        'a = df["x"] * 100\nb = df[df["y"] > 1]\nc = f"{v:.2f}"\nd = round(v, 2)\n'
        'e = st.session_state["t"] - 1\n',
        encoding="utf-8",
    )
    kinds = [k for k, _ in page_computations(page)]
    assert sorted(kinds) == ["arithmetic", "filter", "number format", "number format"]


# --------------------------------------------------------------------------- size

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600
# Named exceptions with their size today: they may shrink, never grow; remove when under.
FUNCTION_ALLOW: dict[tuple[str, str], int] = {}
MODULE_ALLOW: dict[str, int] = {}
SIZE_FOLDERS = ("data", "metrics", "charts", "views", "app", "domain")


def _sized() -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    funcs: dict[tuple[str, str], int] = {}
    mods: dict[str, int] = {}
    for folder in SIZE_FOLDERS:
        for p in sorted((REPO / folder).rglob("*.py")):
            if "migrations" in p.parts:
                continue
            rel = p.relative_to(REPO).as_posix()
            text = p.read_text(encoding="utf-8")
            mods[rel] = len(text.splitlines())
            for n in ast.walk(ast.parse(text)):
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                    key = (rel, n.name)
                    funcs[key] = max(funcs.get(key, 0), n.end_lineno - n.lineno + 1)
    return funcs, mods


def test_no_function_over_80_lines_no_module_over_600():
    funcs, mods = _sized()
    long_funcs = {
        k: n for k, n in funcs.items() if n > MAX_FUNCTION_LINES and n > FUNCTION_ALLOW.get(k, 0)
    }
    long_mods = {
        k: n for k, n in mods.items() if n > MAX_MODULE_LINES and n > MODULE_ALLOW.get(k, 0)
    }
    assert not long_funcs, long_funcs
    assert not long_mods, long_mods


def test_size_exceptions_shrink():
    """An exception that is now within the limit is struck from the list."""
    funcs, mods = _sized()
    assert all(funcs.get(k, 0) > MAX_FUNCTION_LINES for k in FUNCTION_ALLOW), [
        k for k in FUNCTION_ALLOW if funcs.get(k, 0) <= MAX_FUNCTION_LINES
    ]
    assert all(mods.get(k, 0) > MAX_MODULE_LINES for k in MODULE_ALLOW)


def test_complexity_rule_is_part_of_lint():
    import tomllib

    cfg = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    assert "C90" in cfg["lint"]["select"]
    assert cfg["lint"]["mccabe"]["max-complexity"] == 15
