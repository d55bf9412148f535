"""Where every bench runs: ``PLANFACT_BENCH_DATABASE_URL``, else the embedded server.

The embedded one lives in ``.planfact/pgbench``, apart from the demo's and the tests' servers,
so a bench never touches their data. Each bench creates and drops its own databases there.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["server_url"]

ROOT = Path(__file__).resolve().parents[1]


def server_url() -> str:
    """Admin URL of the PostgreSQL server to benchmark on."""
    given = os.environ.get("PLANFACT_BENCH_DATABASE_URL")
    if given:
        return given
    from forecasting.embedded import start_embedded

    return start_embedded(ROOT / ".planfact" / "pgbench", 16)
