"""The run registry: what ran, on which data and code, with what result.

Rows live in ``forecast.run`` (one per run), ``forecast.run_shard``,
``forecast.selection`` and ``forecast.plan_assignment``; this module reads them
for ``planfact runs list|show`` and says which code version is running.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import psycopg

from planfact import __version__
from planfact.db.queries import execute, fetch_all
from planfact.errors import UsageError

__all__ = ["code_version", "RunDetail", "list_runs", "show_run"]


@cache
def code_version() -> str:
    """``git describe --always --dirty`` of the checkout, else ``planfact <package version>``.

    ``-dirty`` marks uncommitted changes: such a run cannot be traced to a commit.
    GIT_OPTIONAL_LOCKS=0 keeps git from refreshing the index, so a run never takes
    ``.git/index.lock`` from under someone committing in the same checkout.
    """
    # In a checkout (an editable install) the package's parent folder holds .git; an installed
    # wheel has none and reports its package version.
    source = Path(__file__).resolve().parents[2]
    if (source / ".git").exists():
        try:
            out = subprocess.run(
                ["git", "describe", "--always", "--dirty", "--tags"],
                cwd=source, capture_output=True, text=True, timeout=5, check=True,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            ).stdout.strip()
            if out:
                return f"{__version__}+g{out}" if not out.startswith("v") else out
        except (OSError, subprocess.SubprocessError):
            pass
    return f"planfact {__version__}"


def _rows(cur: psycopg.Cursor) -> list[dict[str, Any]]:
    names = [c.name for c in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def list_runs(
    conn: psycopg.Connection,
    *,
    month: dt.date | None = None,
    kind: str | None = None,
    status: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """The newest ``limit`` runs (one dict per run, keys as in registry/list_runs.sql)."""
    params = {"month": month, "kind": kind, "status": status, "limit": limit}
    return _rows(execute(conn, "registry/list_runs", params))


@dataclass
class RunDetail:
    """One run: the registry row, its shards, the models it chose, the series it left out
    (discontinued) and its month's plan log."""

    run: dict[str, Any]
    shards: list[dict[str, Any]] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    plan_history: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)


def show_run(conn: psycopg.Connection, run_id: int) -> RunDetail:
    """Everything the registry holds about ``run_id``; UsageError if there is no such run."""
    found = _rows(execute(conn, "registry/show_run", {"run_id": run_id}))
    if not found:
        raise UsageError(f"RUN_ID: no run {run_id} in the registry (see `planfact runs list`)")
    run = found[0]
    shards = _rows(execute(conn, "runs/shard_states", {"run_id": run_id}))
    models = _rows(execute(conn, "registry/run_models", {"run_id": run_id}))
    history = [
        dict(zip(("assigned_at", "run_id", "kind", "status", "assigned_by", "reason"), row, strict=True))
        for row in fetch_all(conn, "plan/history", {"month": run["target_month"]})
    ]
    excluded = _rows(execute(conn, "runs/excluded_series", {"run_id": run_id}))
    flags = _rows(execute(conn, "registry/series_flags", {"run_id": run_id}))
    return RunDetail(run=run, shards=shards, models=models, plan_history=history, excluded=excluded,
                     flags=flags)
