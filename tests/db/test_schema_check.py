"""Commands that need the schema: the embedded database is migrated on the spot, an external one
that lacks the schema (or is behind) is one line saying so and naming `planfact db upgrade`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planfact.db.migrate import current_revision, downgrade, upgrade
from planfact.db.schema import database_revision, ensure_schema, packaged_head
from support.actuals_files import rossmann_file
from support.cli_run import database_env, run_cli


def test_commands_on_an_empty_external_database_say_what_to_run(empty_db_url: str, tmp_path: Path) -> None:
    stores = tmp_path / "store.csv"
    stores.write_text("Store,StoreType\n1,a\n")
    with database_env(empty_db_url):
        for argv in (
            ["load", "stores", str(stores)],
            ["data", "versions"],
            ["mart", "refresh"],
            ["runs", "list"],
            ["report", "month", "2015-07", "--out", str(tmp_path / "reports")],
            ["report", "verify"],
        ):
            result = run_cli(*argv)
            assert result.code == 2, (argv, result.stderr)
            line = result.stderr.strip()
            assert "\n" not in line and "Traceback" not in line
            assert line.endswith("has no planfact schema: run `planfact db upgrade` to create it"), line
        # commands that need no schema still work
        assert (
            run_cli(
                "data",
                "generate",
                "--size",
                "tiny",
                "--out",
                str(tmp_path / "gen"),
                "--start",
                "2015-01-01",
                "--end",
                "2015-01-31",
            ).code
            == 0
        )
        assert run_cli("db", "upgrade").code == 0
        assert run_cli("load", "stores", str(stores)).code == 0
    assert current_revision(empty_db_url) == packaged_head()


def test_a_database_behind_is_named_with_its_revision(empty_db_url: str) -> None:
    upgrade(empty_db_url, "0005_mart")
    with database_env(empty_db_url):
        result = run_cli("data", "versions")
    assert result.code == 2
    assert result.stderr.strip().endswith(
        f"is at schema revision 0005_mart, this planfact needs {packaged_head()}: run `planfact db upgrade` "
        "to apply the missing migrations"
    )


def test_the_embedded_default_is_migrated_by_the_command_itself(empty_db_url: str, tmp_path: Path) -> None:
    # what `_check_schema` does when PLANFACT_DATABASE_URL is unset, on a database of our own
    assert database_revision(empty_db_url) is None
    ensure_schema(empty_db_url, embedded=True)
    assert database_revision(empty_db_url) == packaged_head() == current_revision(empty_db_url)
    ensure_schema(empty_db_url, embedded=True)  # at head: nothing to do
    downgrade(empty_db_url, "0005_mart")
    ensure_schema(empty_db_url, embedded=True)
    assert database_revision(empty_db_url) == packaged_head()
    with database_env(empty_db_url):
        loaded = run_cli(
            "load",
            "actuals",
            str(rossmann_file(tmp_path / "t.csv", 1, date(2015, 1, 1), date(2015, 1, 31))),
            "--new-stores",
        )
    assert loaded.code == 0, loaded.stderr
