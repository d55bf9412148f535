"""The floor plan holds: small modules and functions, SQL only in sql/, every package shipped in
the wheel, no test fixture in the product.

The import contracts themselves (one-way imports, no cycles, a pure engine) are checked
by import-linter in ``make test`` (``[tool.importlinter]`` in pyproject.toml).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from support import ROOT

PACKAGES = ("forecasting", "planfact", "reports")
MAX_LINES = 400
MAX_FUNCTION_LINES = 80
# Where every function is split by named phases (issue 25; planfact/reporting and the rest follow).
SHORT_FUNCTIONS = ("forecasting", "planfact/runs", "reports")
# What only tests may import: the test tree and the test tools.
TEST_ONLY = ("tests", "support", "conftest", "pytest", "hypothesis", "testcontainers")
# A string literal that starts like a SQL statement (values and identifiers belong in sql/).
SQL_LITERAL = re.compile(
    r"^\s*(select\s.+\sfrom\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s|"
    r"create\s+(table|database|index|view|function|materialized)\s|drop\s+(table|database|view|index)\s|"
    r"alter\s+table\s|copy\s+\w+)",
    re.IGNORECASE | re.DOTALL,
)


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concern"


def test_no_sql_in_python() -> None:
    found = []
    for path in [*_modules(), *sorted((ROOT / "bench").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and SQL_LITERAL.match(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert not found, "SQL belongs in sql/ (or bench/sql/), loaded by name:\n" + "\n".join(found)


def test_the_wheel_lists_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for package in PACKAGES
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert on_disk <= listed, f"packages missing from [tool.setuptools] packages: {sorted(on_disk - listed)}"
    mapped = config["package-dir"]
    assert mapped["planfact._sql"] == "sql" and mapped["planfact._migrations"] == "migrations"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; ``from a import b`` gives a and a.b)."""
    name = _module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_no_product_module_imports_test_code() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _modules()
        for module in sorted(_imports(path))
        if module.split(".")[0] in TEST_ONLY
    ]
    assert not found, "test code and test tools stay in tests/:\n" + "\n".join(found)


def test_every_product_module_is_reached_from_an_entry_point() -> None:
    """A module that only tests (or benches) import is a test fixture: it belongs in tests/support.

    Entry points: the ``planfact`` command and its command modules (loaded by name), ``python -m
    planfact``, the Airflow DAGs and the migrations.
    """
    modules = {_module_name(path): path for path in _modules()}
    roots = {name for name in modules if name == "planfact.__main__" or name.startswith("planfact.cli")}
    entry_files = [*(ROOT / "airflow" / "dags").glob("*.py"), *(ROOT / "migrations").rglob("*.py")]
    for path in entry_files:
        roots |= _imports(path) & modules.keys()
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # importing a.b runs a
        todo.extend(_imports(modules[name]) & modules.keys())
    unreached = sorted(str(modules[name].relative_to(ROOT)) for name in modules.keys() - seen)
    assert not unreached, f"product modules nothing in the product imports (test fixtures?): {unreached}"


def _long_functions(folder: str) -> list[str]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} has {length} lines")
    return out


@pytest.mark.parametrize("folder", SHORT_FUNCTIONS)
def test_functions_stay_short(folder: str) -> None:
    long = _long_functions(folder)
    assert not long, f"over {MAX_FUNCTION_LINES} lines (split them by named phases):\n" + "\n".join(long)


def test_one_loader_of_named_sql() -> None:
    """planfact.db.queries.SqlFolder loads named SQL; bench/sql goes through it too."""
    verbs = {"statement", "execute", "fetch_one", "fetch_all", "fetch_frame"}
    owner = ROOT / "planfact" / "db" / "queries.py"
    files = [*_modules(), *sorted((ROOT / "bench").glob("*.py")), *sorted((ROOT / "tests").rglob("*.py"))]
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
        for path in files
        if path != owner
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in verbs
    ]
    assert not found, f"a second SQL loader (use planfact.db.queries.SqlFolder): {found}"
