"""The schema: upgrade, downgrade and upgrade again; roles and their privileges."""

from __future__ import annotations

import psycopg
import pytest

from planfact.db.migrate import current_revision, downgrade, upgrade

CORE_TABLES = {
    "store",
    "product_group",
    "series",
    "calendar",
    "holiday",
    "data_version",
    "data_version_month",
    "actuals",
    "rejected_row",
}
FORECAST_TABLES = {
    "model_version",
    "run",
    "run_shard",
    "backtest_metric",
    "selection",
    "forecast_value",
    "plan_assignment",
    "report",
}


def _tables(url: str, schema: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s and table_type = 'BASE TABLE'",
            (schema,),
        ).fetchall()
    return {r[0] for r in rows}


def _roles(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select rolname from pg_roles where rolname like 'planfact_%'").fetchall()
    return {r[0] for r in rows}


def _assert_at_head(url: str) -> None:
    assert _tables(url, "core") >= CORE_TABLES
    assert _tables(url, "forecast") >= FORECAST_TABLES
    assert {"planfact_etl", "planfact_reader"} <= _roles(url)
    with psycopg.connect(url) as conn:
        days = conn.execute("select count(*) from core.calendar").fetchone()
        assert days is not None and days[0] > 14_000
        as_of = conn.execute("select count(*) from core.actuals_as_of(1)").fetchone()
        assert as_of == (0,)


def test_upgrade_downgrade_upgrade(empty_db_url: str) -> None:
    assert current_revision(empty_db_url) is None
    upgrade(empty_db_url)
    _assert_at_head(empty_db_url)
    head = current_revision(empty_db_url)
    assert head is not None

    downgrade(empty_db_url, "base")
    assert current_revision(empty_db_url) is None
    assert _tables(empty_db_url, "core") == set()
    assert _tables(empty_db_url, "forecast") == set()

    upgrade(empty_db_url)
    _assert_at_head(empty_db_url)
    assert current_revision(empty_db_url) == head


@pytest.mark.parametrize(
    "statement",
    [
        "insert into core.product_group (group_id) values ('x')",
        "insert into core.store (store_id) values ('x')",
        "insert into forecast.model_version (model_version_id, model_name) values ('x', 'x')",
        "update forecast.run set status = 'failed'",
        "select count(*) from core.actuals",
    ],
)
def test_reader_cannot_write_or_read_core(conn: psycopg.Connection, statement: str) -> None:
    conn.execute("set role planfact_reader")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)
    conn.rollback()


def test_reader_reads_mart_and_registry(conn: psycopg.Connection) -> None:
    # A view added to mart later is readable too (default privileges), like every mart view.
    conn.execute("create view mart.reader_probe as select 1 as one")
    conn.execute("set role planfact_reader")
    assert conn.execute("select one from mart.reader_probe").fetchone() == (1,)
    for table in ("forecast.run", "forecast.plan_of_record", "forecast.report", "forecast.selection"):
        conn.execute(f"select count(*) from {table}")  # noqa: S608 - fixed names, no input
    conn.rollback()


def test_etl_writes_core(conn: psycopg.Connection) -> None:
    conn.execute("set role planfact_etl")
    conn.execute("insert into core.product_group (group_id) values ('etl-probe')")
    conn.rollback()


def test_alembic_from_the_checkout_uses_the_top_level_ini(empty_db_url: str) -> None:
    """alembic.ini is for developers running `alembic` in a checkout (the application migrates
    through planfact.db.migrate and never reads it): it must point at migrations/ and take the
    database from PLANFACT_DATABASE_URL like every other command."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from planfact.db.migrate import head_revision
    from support import ROOT

    alembic = Path(sys.executable).with_name("alembic")
    env = {**os.environ, "PLANFACT_DATABASE_URL": empty_db_url}

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(alembic), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    head = head_revision()
    assert run("heads").split()[0] == head
    run("upgrade", "head")
    assert current_revision(empty_db_url) == head
    assert run("current").split()[0] == head
    run("downgrade", "-1")
    assert current_revision(empty_db_url) not in (None, head)
    run("upgrade", "head")
    assert current_revision(empty_db_url) == head
