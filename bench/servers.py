"""Where every bench runs: ``PLANFACT_BENCH_DATABASE_URL``, else the embedded server; throwaway databases.

The embedded one lives in ``.planfact/pgbench``, apart from the demo's and the tests' servers,
so a bench never touches their data. Each bench creates and drops its own databases there
with ``planfact.db.admin.throwaway_database``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from planfact.db import admin

__all__ = ["server_url", "throwaway_database"]

ROOT = Path(__file__).resolve().parents[1]


def server_url() -> str:
    """Admin URL of the PostgreSQL server to benchmark on."""
    given = os.environ.get("PLANFACT_BENCH_DATABASE_URL")
    if given:
        return given
    from planfact.db.embedded import start_embedded

    return start_embedded(ROOT / ".planfact" / "pgbench", 16)


@contextmanager
def throwaway_database(
    admin_url: str, prefix: str = "planfact_bench", *, keep: bool = False
) -> Iterator[str]:
    """A uniquely named database on ``admin_url``'s server for the block; dropped after unless ``keep``."""
    with admin.throwaway_database(admin_url, prefix, keep=keep) as url:
        yield url
        if keep:
            print(f"kept database {url.rsplit('/', 1)[-1].split('?')[0]}")
