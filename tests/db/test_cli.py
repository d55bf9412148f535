"""The command line: help, usage errors and bad settings end on one line with exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _planfact(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planfact", *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=120,
    )


def test_help_lists_subcommands() -> None:
    result = _planfact("--help")
    assert result.returncode == 0
    assert "db" in result.stdout


def test_unknown_option_is_one_line_exit_2() -> None:
    result = _planfact("--no-such-option")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "unrecognized arguments: --no-such-option" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "PLANFACT_DATABASE_URL"),
        ("mysql://root@localhost/x", "PLANFACT_DATABASE_URL"),
        ("postgresql://nobody@127.0.0.1:1/none", "database unreachable"),
    ],
)
def test_bad_database_url_is_one_line_exit_2(url: str, expected: str) -> None:
    env = dict(os.environ, PLANFACT_DATABASE_URL=url)
    result = _planfact("db", "current", env=env)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_db_current_on_test_database(cli_env: dict[str, str]) -> None:
    result = _planfact("db", "current", env=cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() != ""
