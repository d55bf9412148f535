"""The order and grouping of a test session over pytest-xdist workers (``make test``).

Two cores finish soonest when the longest work starts first and the short tests fill in
around it (longest-processing-time-first scheduling). The order is by the seconds each test
took the last time it ran (pytest's cache, ``.pytest_cache``); a test never timed yet is
guessed from its marks: an end-to-end test marked slow before any other slow test, a slow
test before a quick one, a database test before a unit test.

A *unit of work* goes to one worker whole: a test module that defines a module- or
class-scoped fixture (so that fixture is built once), or the modules naming one
``xdist_group`` (the session's fresh install); every other test is a unit of its own. Units
are read from the test files' source, so the controller (which collects nothing) and every
worker agree on them. The controller reads the cache once and hands it to the workers
(``workerinput``): xdist requires every worker to collect the same tests in the same order.

xdist's own ``--dist loadgroup`` renames test ids to carry the group, which pytest 9 no longer
allows (the ids stay and groups are ignored); ``UnitScheduling`` keeps the option's meaning.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest

__all__ = [
    "DATABASE_FIXTURES",
    "CACHE_KEY",
    "unit_of",
    "longest_first",
    "order_for_workers",
    "record_durations",
    "save_durations",
    "known_durations",
    "make_scheduler",
]

# The fixtures of tests/conftest.py that reach PostgreSQL (tests/unit uses none of them).
DATABASE_FIXTURES = frozenset(
    {"server_url", "template_db", "db_url", "empty_db_url", "conn", "settings", "cli_env"}
)
CACHE_KEY = "planfact/durations"
_WIDE_SCOPES = ("module", "class", "package")
# Guessed seconds of a test with no recorded time, by (kind, slow).
_GUESS = {("e2e", True): 120.0, ("db", True): 30.0, ("unit", True): 10.0, ("e2e", False): 3.0,
          ("db", False): 1.0, ("unit", False): 0.2}
_durations: dict[str, float] = {}
T = TypeVar("T")


@cache
def _module_unit(path: Path) -> str | None:
    """The unit a whole test module belongs to: its ``xdist_group`` name, else the module itself
    when it defines a fixture wider than a test; None when its tests are independent."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None
    shared = False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "xdist_group" and node.args and isinstance(node.args[0], ast.Constant):
            return str(node.args[0].value)
        if name == "fixture":
            scope = next((k.value for k in node.keywords if k.arg == "scope"), None)
            shared |= isinstance(scope, ast.Constant) and scope.value in _WIDE_SCOPES
    return path.as_posix() if shared else None


def unit_of(nodeid: str, rootpath: Path) -> str:
    """The unit of work of the test ``nodeid`` (its module's unit, else the test itself)."""
    return _module_unit(rootpath / nodeid.split("::", 1)[0]) or nodeid


def known_durations(config: pytest.Config) -> dict[str, float]:
    """Seconds per test id from the last sessions (the controller's copy on a worker)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return dict(workerinput.get(CACHE_KEY, {}))
    cache_ = getattr(config, "cache", None)
    stored = cache_.get(CACHE_KEY, {}) if cache_ is not None else {}
    return {str(k): float(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def _guess(item: pytest.Item) -> float:
    kind = item.path.parent.name
    return _GUESS.get((kind, item.get_closest_marker("slow") is not None), 1.0)


def longest_first(items: list[T], unit: Callable[[T], str], seconds: Callable[[T], float]) -> list[T]:
    """``items`` regrouped by ``unit``, the unit with the most ``seconds`` first; ties and the
    items inside a unit keep their order."""
    units: dict[str, list[T]] = {}
    for item in items:
        units.setdefault(unit(item), []).append(item)
    ordered = sorted(units.values(), key=lambda group: sum(map(seconds, group)), reverse=True)
    return [item for group in ordered for item in group]


def order_for_workers(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Reorder ``items`` so the longest unit of work comes first (a unit's tests stay together)."""
    known = known_durations(config)
    items[:] = longest_first(
        items,
        unit=lambda item: unit_of(item.nodeid, config.rootpath),
        seconds=lambda item: known.get(item.nodeid, _guess(item)),
    )


def record_durations(report: pytest.TestReport) -> None:
    """Add the phase's seconds to its test (setup, call and teardown together)."""
    before = _durations.get(report.nodeid, 0.0) if report.when != "setup" else 0.0
    _durations[report.nodeid] = before + report.duration


def save_durations(config: pytest.Config) -> None:
    """Merge this session's times into the cache (the controller or a plain session only)."""
    cache_ = getattr(config, "cache", None)
    if cache_ is None or hasattr(config, "workerinput") or not _durations:
        return
    cache_.set(CACHE_KEY, {**known_durations(config), **{k: round(v, 3) for k, v in _durations.items()}})


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's scheduler for ``--dist loadgroup``: whole units in collection order (longest first)."""
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid, config.rootpath)

    return UnitScheduling(config, log)
