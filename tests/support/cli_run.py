"""Run the ``planfact`` command in-process (as the console script does) and inspect the database.

In-process keeps a table of dozens of bad inputs fast; ``main`` is the console script's entry,
so the exit code and the stderr line are exactly what a user sees. ``fingerprint`` is what a
refused input must leave unchanged.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

from planfact.cli import main
from planfact.config import get_settings

__all__ = ["CliResult", "run_cli", "database_env", "fingerprint"]


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*argv: str) -> CliResult:
    """``planfact ARGV`` in this process: exit code, stdout, stderr (argparse exits included)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse: --help, usage errors
            code = int(exc.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def database_env(url: str, **extra: str) -> Iterator[None]:
    """PLANFACT_DATABASE_URL (and ``extra`` settings) for the block; settings re-read."""
    saved = {k: os.environ.get(k) for k in ["PLANFACT_DATABASE_URL", *extra]}
    os.environ.update({"PLANFACT_DATABASE_URL": url, **extra})
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


_FINGERPRINT = {
    "versions": "select count(*), max(version_id) from core.data_version",
    "version_files": "select count(*) from core.data_version_file",
    "months": "select count(*) from core.data_version_month",
    "actuals": "select count(*), count(valid_to_version) from core.actuals",
    "actuals_checksum": (
        "select md5(coalesce(string_agg(a::text, '|'"
        " order by a.series_id, a.sale_date, a.valid_from_version), '')) from core.actuals as a"
    ),
    "planned": "select count(*), md5(coalesce(string_agg(p::text, '|' order by p::text), '')) "
    "from core.planned_exogenous as p",
    "series": "select count(*) from core.series",
    "stores": "select md5(coalesce(string_agg(s::text, '|' order by s.store_id), '')) from (select store_id,"
    " store_name, city, state, store_type, cluster, assortment, attributes from core.store) as s",
    "groups": "select count(*) from core.product_group",
    "holidays": "select count(*), md5(coalesce(string_agg(h::text, '|' order by h::text), ''))"
    " from core.holiday as h",
    "rejected": "select count(*) from core.rejected_row",
    "runs": "select count(*) from forecast.run",
}


def fingerprint(url: str) -> dict[str, object]:
    """Everything a load, a reference upsert or a run start may change: counts and checksums."""
    with psycopg.connect(url) as conn:
        return {name: conn.execute(query).fetchone() for name, query in _FINGERPRINT.items()}  # type: ignore[arg-type]
