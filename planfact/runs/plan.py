"""The plan of record: which run is a month's plan, and when that may still change.

``forecast.plan_assignment`` is an append-only log; ``forecast.plan_of_record`` shows
the newest assignment of each month whose run succeeded and is a production run.
The first succeeded production run of a month is assigned automatically (at finalize);
``promote_plan`` appends another assignment while the month is open. A month is
*frozen* once any of its actuals is loaded: the clock is the data, not the wall
clock, so replaying history (demo, backfills) behaves exactly like live months.
"""

from __future__ import annotations

import datetime as dt

import psycopg

from planfact.config import current_user
from planfact.db.queries import fetch_one
from planfact.errors import PlanfactError, UsageError
from planfact.runs.locks import registry_lock

__all__ = ["FrozenPlan", "frozen_by", "current_plan", "assign_if_eligible", "promote_plan"]


class FrozenPlan(PlanfactError):
    """A new production run of a month whose plan is frozen: it could never become the plan."""

    def __init__(self, month: dt.date, version: int, plan: int | None) -> None:
        self.month, self.version, self.plan = month, version, plan
        keeps = f"its plan of record stays run {plan}" if plan is not None else "it has no plan of record"
        super().__init__(
            f"the plan of {month:%Y-%m} is frozen: its actuals were loaded in data version {version}, so a "
            f"new production run could never become its plan ({keeps}); `--kind experiment` makes a "
            "comparison run"
        )


def frozen_by(conn: psycopg.Connection, month: dt.date) -> int | None:
    """The data version that first loaded actuals of ``month`` (None while the month is open)."""
    row = fetch_one(conn, "versions/first_of_month", {"month": month})
    return None if row is None or row[0] is None else int(row[0])


def current_plan(conn: psycopg.Connection, month: dt.date) -> int | None:
    """The run id of ``month``'s plan of record, if any."""
    row = fetch_one(conn, "plan/current_plan", {"month": month})
    return None if row is None else int(row[0])


def assign_if_eligible(conn: psycopg.Connection, run_id: int, kind: str, month: dt.date) -> str:
    """Make a just-succeeded run the plan when it is the month's first production run.

    Call inside the finalize transaction, holding the registry lock of ``month``.
    Returns one line for the run summary.
    """
    label = f"{month:%Y-%m}"
    if kind != "production":
        return f"not a plan: experiment runs never become plans (plan of {label} unchanged)"
    existing = current_plan(conn, month)
    version = frozen_by(conn, month)
    if existing is not None:
        # Suggest promote only where it would be accepted: never once the month is frozen.
        hint = (f" (use `planfact plan promote {run_id}` to replace it)" if version is None
                else f" (frozen: actuals loaded in data version {version})")
        return f"plan of record for {label} stays run {existing}{hint}"
    if version is not None:
        return f"not a plan: actuals of {label} were loaded (data version {version}) before this run"
    fetch_one(conn, "plan/assign", {"month": month, "run_id": run_id, "assigned_by": current_user(),
                                     "reason": "first succeeded production run"})
    return f"run {run_id} is the plan of record for {label}"


def promote_plan(
    conn: psycopg.Connection, run_id: int, *, reason: str | None = None, assigned_by: str | None = None
) -> str:
    """Make ``run_id`` its month's plan of record; returns a one-line message.

    Refused (PlanfactError) for experiment, running or failed runs and once the month
    has actuals (frozen). Promoting the current plan again changes nothing.
    """
    with conn.transaction():
        row = fetch_one(conn, "runs/get_run", {"run_id": run_id})
        if row is None:
            raise UsageError(f"RUN_ID: no run {run_id} in the registry (see `planfact runs list`)")
        kind, month, status = row[1], row[2], row[10]
        label = f"{month:%Y-%m}"
        if kind != "production":
            raise PlanfactError(f"run {run_id} is an experiment run: experiment runs never become plans")
        if status != "succeeded":
            raise PlanfactError(f"run {run_id} is {status}: only a succeeded run can be the plan of record")
        with registry_lock(conn, month):
            existing = current_plan(conn, month)
            if existing == run_id:
                return f"run {run_id} already is the plan of record for {label}; nothing changed"
            version = frozen_by(conn, month)
            if version is not None:
                keeps = f"run {existing} stays the plan" if existing is not None else "it has no plan"
                raise PlanfactError(
                    f"the plan of {label} is frozen: its actuals were loaded in data version {version}; "
                    f"{keeps}"
                )
            replaced = f", replacing run {existing}" if existing is not None else ""
            fetch_one(conn, "plan/assign", {
                "month": month, "run_id": run_id, "assigned_by": assigned_by or current_user(),
                "reason": reason or f"promoted{replaced}",
            })
    return f"run {run_id} is now the plan of record for {label}{replaced}"
