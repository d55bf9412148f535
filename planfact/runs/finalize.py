"""Finish a run: check its shards, compute its metrics, mark it succeeded, assign the plan.

``forecast.run.metrics`` (what the registry and ``mart.run_registry`` read):
``series``, ``forecast_rows``, ``yhat_total``; ``wape``, ``bias`` and every other
backtest metric as the mean over series and evaluated folds of the *chosen* model's
value (``backtest`` holds mean, median and n per metric); ``primary`` names the
selection metric; ``models`` counts the chosen models by label; ``timings`` sums the
shards' read/engine/write seconds; ``discontinued`` counts the series left out as
discontinued (``forecast.run_excluded_series``), ``discontinued_days`` the setting it used.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from planfact.config import Settings
from planfact.db.connect import connect
from planfact.db.locks import lock_key
from planfact.db.queries import execute, fetch_all, fetch_one
from planfact.db.server import resolve_url
from planfact.errors import PlanfactError
from planfact.runs.lease import run_lease, sweep
from planfact.runs.locks import registry_lock, shard_key
from planfact.runs.plan import assign_if_eligible, current_plan
from planfact.runs.record import RunRecord, get_run, record_run_failure, spool_dir

__all__ = ["RunSummary", "finalize_run", "finalize_locked", "summarize"]


@dataclass(frozen=True)
class RunSummary:
    """What a finished run did, for people (``str(summary)``) and for the DAG's notify step."""

    run_id: int
    status: str
    kind: str
    target_month: dt.date
    data_version: int
    metrics: dict[str, Any] = field(default_factory=dict)
    duration_s: float | None = None
    plan: str = ""
    note: str = ""

    def headline(self) -> str:
        """One line: run, month, series, WAPE, plan."""
        wape = self.metrics.get("wape")
        shown = f", backtest WAPE {wape:.3f}" if isinstance(wape, float) else ""
        warnings = self.metrics.get("warnings") or []
        warned = (f"; {len(warnings)} warning(s): " + " | ".join(warnings)) if warnings else ""
        return (f"run {self.run_id} {self.status}: {self.kind} {self.target_month:%Y-%m}, "
                f"data version {self.data_version}, {self.metrics.get('series', 0):,} series{shown}; "
                f"{self.plan}{warned}")

    def __str__(self) -> str:
        m = self.metrics
        lines = [f"{self.note}" if self.note else "",
                 f"run {self.run_id} {self.status} · {self.kind} {self.target_month:%Y-%m} · data version "
                 f"{self.data_version} · {m.get('series', 0):,} series · {m.get('forecast_rows', 0):,} "
                 "forecast rows"]
        models = m.get("models") or {}
        if models:
            # jsonb does not keep key order: most chosen first again.
            ranked = sorted(models.items(), key=lambda kv: (-kv[1], kv[0]))
            lines.append("models chosen: " + ", ".join(f"{k} {v:,}" for k, v in ranked))
        back = m.get("backtest") or {}
        if back:
            folds = m.get("folds")
            over = f"mean over series × {folds} folds" if folds else "mean over series and folds"
            # The selection's primary metric first, then WAPE and bias, then the rest.
            order = sorted(back, key=lambda n: (n != m.get("primary"), {"wape": 0, "bias": 1}.get(n, 2), n))
            shown = [f"{name} {_fmt(name, back[name]['mean'])}" for name in order
                     if back[name].get("mean") is not None]
            lines.append(f"backtest of the chosen models ({over}): " + " · ".join(shown))
        if m.get("discontinued"):
            lines.append(f"not planned: {m['discontinued']:,} discontinued series (no actuals in the "
                         f"{m.get('discontinued_days')} days up to the cutoff; `planfact runs show "
                         f"{self.run_id}` lists them)")
        flags = m.get("flags") or {}
        if flags:
            lines.append("flagged series: " + ", ".join(f"{k} {v:,}" for k, v in sorted(flags.items())))
        lines += [f"warning: {w}" for w in m.get("warnings") or []]
        if self.plan:
            lines.append(f"plan: {self.plan}")
        t = m.get("timings") or {}
        if self.duration_s is not None:
            split = ", ".join(f"{k} {t[k]:.1f} s" for k in ("read", "engine", "write") if k in t)
            lines.append(f"duration {self.duration_s:.1f} s" + (f" ({split})" if split else ""))
        return "\n".join(line for line in lines if line)


def _fmt(name: str, value: float) -> str:
    return f"{value:+.2f} %" if name == "bias" else f"{value:.3f}" if abs(value) < 100 else f"{value:,.0f}"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _metrics(conn: psycopg.Connection, run: RunRecord, shards: list[tuple]) -> dict[str, Any]:
    backtest = {
        name: {"mean": _number(mean), "median": _number(median), "n": int(n)}
        for name, mean, median, n in fetch_all(conn, "runs/selected_metrics", {"run_id": run.run_id})
    }
    series, rows, total = fetch_one(conn, "runs/forecast_stats", {"run_id": run.run_id}) or (0, 0, 0)
    models = {r[0]: int(r[3]) for r in fetch_all(conn, "registry/run_models", {"run_id": run.run_id})}
    timings: dict[str, float] = {}
    for shard in shards:
        for key in ("read", "engine", "write"):
            value = (shard[4] or {}).get(key)
            if isinstance(value, int | float):
                timings[key] = round(timings.get(key, 0.0) + value, 3)
    selection = run.config.get("selection", {})
    excluded = fetch_all(conn, "runs/excluded_series", {"run_id": run.run_id})
    metrics: dict[str, Any] = {
        "discontinued": sum(1 for row in excluded if row[2] == "discontinued"),
        "discontinued_days": (run.params or {}).get("discontinued_days"),
        "series": int(series), "forecast_rows": int(rows), "yhat_total": float(total),
        "primary": selection.get("primary"), "folds": run.config.get("backtest", {}).get("folds"),
        "models": models, "backtest": backtest, "timings": timings,
    }
    for name, values in backtest.items():
        if name not in metrics:
            metrics[name] = values["mean"]
    # Every shard fits the global models, so a global failure is reported once, not per shard.
    warnings: list[str] = []
    for _index, shard_warnings in fetch_all(conn, "runs/shard_warnings", {"run_id": run.run_id}):
        warnings += [w for w in shard_warnings or [] if w not in warnings]
    metrics["warnings"] = warnings
    metrics["flags"] = {r[0]: int(r[1]) for r in fetch_all(conn, "registry/series_flags",
                                                          {"run_id": run.run_id})}
    return metrics


def summarize(run: RunRecord, plan: str = "", note: str = "") -> RunSummary:
    """The RunSummary of a registry row."""
    duration = None
    if run.finished_at is not None:
        duration = (run.finished_at - run.started_at).total_seconds()
    return RunSummary(run.run_id, run.status, run.kind, run.target_month, run.data_version,
                      dict(run.metrics or {}), duration, plan, note)


def _shard_problems(conn: psycopg.Connection, run: RunRecord, shards: list[tuple]) -> tuple[list[str], bool]:
    """Descriptions of shards not succeeded, and whether one of them is still being computed."""
    by_index = {s[0]: s for s in shards}
    problems, live = [], False
    for index in range(1, run.shard_count + 1):
        shard = by_index.get(index)
        if shard is None:
            problems.append(f"shard {index} missing")
        elif shard[1] == "failed":
            problems.append(f"shard {index} failed: {shard[2]}")
        elif shard[1] == "running":
            free = fetch_one(conn, "database/try_advisory_xact_lock",
                             {"key": lock_key(*shard_key(run.run_id, index))})
            alive = not (free and free[0])
            live = live or alive
            problems.append(f"shard {index} {'still running' if alive else 'abandoned (its process ended)'}")
    return problems, live


def finalize_locked(
    conn: psycopg.Connection, url: str, run_id: int, *, mark_failed: bool = False, spool: Path | None = None
) -> RunSummary:
    """Finalize on an open connection (the caller may hold the month lock)."""
    give_up: str | None = None
    plan = ""
    with conn.transaction():
        execute(conn, "runs/analyze_results")  # the metrics below read what the shards wrote
    with conn.transaction():
        run = get_run(conn, run_id)
        with registry_lock(conn, run.target_month):
            fetch_one(conn, "runs/lock_run", {"run_id": run_id})
            run = get_run(conn, run_id)
            if run.status == "succeeded":
                current = current_plan(conn, run.target_month)
                return summarize(run, f"plan of record for {run.target_month:%Y-%m} is run {current}",
                                 note=f"run {run_id} was already finalized")
            if run.status == "failed":
                raise PlanfactError(f"run {run_id} failed: {run.error}")
            shards = fetch_all(conn, "runs/shard_states", {"run_id": run_id})
            problems, live = _shard_problems(conn, run, shards)
            if problems and (live or not mark_failed):
                hint = "" if live else (f"; rerun them with `planfact run month {run.target_month:%Y-%m} "
                                        f"--shard i/{run.shard_count} --run-id {run_id}`, or give up with "
                                        f"`planfact run finalize {run_id} --mark-failed`")
                raise PlanfactError(f"run {run_id} cannot be finalized: {'; '.join(problems)}{hint}")
            if problems:
                give_up = "; ".join(problems)
            else:
                metrics = _metrics(conn, run, shards)
                execute(conn, "runs/finish_run", {"run_id": run_id, "metrics": Jsonb(metrics),
                                                  "warnings": metrics["warnings"]})
                plan = assign_if_eligible(conn, run_id, run.kind, run.target_month)
    if give_up is not None:
        record_run_failure(url, run_id, f"finalize: {give_up}", spool=spool)
        raise PlanfactError(f"run {run_id} marked failed: {give_up}")
    with conn.transaction():
        return summarize(get_run(conn, run_id), plan)


def finalize_run(settings: Settings, run_id: int, *, mark_failed: bool = False) -> RunSummary:
    """Check every shard succeeded, compute metrics, mark the run succeeded, assign the plan.

    Finalizing a succeeded run again returns its summary. Missing or failed shards leave
    the run running (so they can be rerun) unless ``mark_failed``, which records it failed.
    """
    url = resolve_url(settings)
    with connect(url) as conn:
        sweep(conn, settings, url, run_id=run_id)
        with run_lease(conn, run_id):
            return finalize_locked(conn, url, run_id, mark_failed=mark_failed, spool=spool_dir(settings))
