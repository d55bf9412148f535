"""Refresh the mart's materialized views (the views themselves live in ``sql/mart/``)."""

from __future__ import annotations

import logging
import time

import psycopg
from psycopg import sql

from planfact.db.locks import advisory_lock
from planfact.db.objects import materialized_views
from planfact.db.queries import execute, statement
from planfact.errors import PlanfactError

__all__ = ["MATERIALIZED_VIEWS", "refresh_mart"]

log = logging.getLogger(__name__)

# Refresh order: a materialized view comes after the ones it reads (sql/objects.toml's order).
MATERIALIZED_VIEWS: tuple[str, ...] = materialized_views("mart")


def _identifier(qualified: str) -> sql.Identifier:
    return sql.Identifier(*qualified.split("."))


def refresh_mart(conn: psycopg.Connection, *, analyze: bool = True) -> dict[str, float]:
    """Refresh every materialized view of the mart in one transaction; view -> seconds.

    Populated views refresh ``CONCURRENTLY`` (readers keep reading the old rows until the
    commit); a view created or left ``with no data`` gets its first, plain refresh.
    Concurrent callers serialize on an advisory lock.
    """
    timings: dict[str, float] = {}
    with conn.transaction(), advisory_lock(conn, "mart", "refresh"):
        execute(conn, "mart/batch_settings")
        unknown = {r[0] for r in execute(conn, "mart/materialized_views")} - set(MATERIALIZED_VIEWS)
        for view in (*MATERIALIZED_VIEWS, *sorted(unknown)):
            schema, name = view.split(".")
            row = execute(conn, "mart/matview_populated", {"schema": schema, "name": name}).fetchone()
            if row is None:
                raise PlanfactError(f"materialized view {view} does not exist: run `planfact db upgrade`")
            template = "mart/refresh_concurrently" if row[0] else "mart/refresh_first"
            started = time.perf_counter()
            conn.execute(sql.SQL(statement(template)).format(view=_identifier(view)))
            if analyze:
                conn.execute(sql.SQL(statement("mart/analyze")).format(view=_identifier(view)))
            timings[view] = time.perf_counter() - started
            log.info("refreshed", extra={"view": view, "seconds": round(timings[view], 3)})
    return timings
