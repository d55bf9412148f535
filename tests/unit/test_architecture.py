"""The floor plan holds: small modules, SQL only in sql/, every package shipped in the wheel.

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


MAX_FUNCTION_LINES = 80
# Packages whose every function already keeps the house limit (issue 25 brings in the rest).
FUNCTION_LIMIT_PACKAGES = ("forecasting",)


def test_functions_stay_short() -> None:
    long = []
    for package in FUNCTION_LIMIT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


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
