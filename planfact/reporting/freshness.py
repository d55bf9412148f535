"""Whether the materialized mart is behind the data a month's report reads.

The report reads materialized views (``mart.plan_fact_monthly``, ``plan_fact_daily``,
``forecast_accuracy``), refreshed by ``planfact mart refresh`` or the monthly job. A report
run right after ``planfact load actuals`` (or after a plan was promoted) would read rows older
than the data; ``render_month_report`` refreshes the mart first when this module says it is
behind, and commits the refresh before anything can refuse the report.

"Behind" for a period with a plan of record is, comparing the mart's total row of the period
with the live views (``mart.plan_fact_series_day`` reads ``core`` directly):

- the mart has no row of the period (the plan was assigned, or the mart created, since);
- its row uses another plan run than the plan of record (``plan promote``);
- it was built from another data version than the newest (any load since: a new month, a
  restatement, late days);
- it has no actual of the period while actuals of it are loaded.

A period without a plan of record is never behind: the report refuses it whatever the mart says.
"""

from __future__ import annotations

from datetime import date

import psycopg

from planfact.db.queries import execute

__all__ = ["mart_behind"]


def mart_behind(conn: psycopg.Connection, month: date) -> str | None:
    """Why the mart is behind the data of ``month``'s report (one phrase), or None when it is not."""
    cur = execute(conn, "reports/mart_state", {"month": month})
    columns = [c.name for c in cur.description or []]
    values = cur.fetchone()
    state = dict(zip(columns, values or (), strict=True))
    if state.get("plan_run_id") is None:
        return None
    if state["mart_run_id"] is None:
        return "the mart has no rows of the month"
    if int(state["mart_run_id"]) != int(state["plan_run_id"]):
        return f"the mart uses run {state['mart_run_id']}, the plan of record is run {state['plan_run_id']}"
    live = state["live_data_version"]
    if live is not None and int(live) != int(state["mart_data_version"]):
        return f"the mart was built from data version {state['mart_data_version']}, the data is at {live}"
    if state["live_has_actuals"] and not state["mart_has_actuals"]:
        return "the mart has no actuals of the month, the data has"
    return None
