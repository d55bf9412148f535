"""``planfact run month|finalize|reproduce``, ``planfact runs list|show``, ``planfact plan promote|show``.

Handlers import the forecasting package lazily so ``planfact --help`` stays fast.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from planfact.calendars import period_argument
from planfact.config import Settings

__all__ = ["register"]


def _run_id(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"RUN_ID must be a positive integer, got {value!r}")
    return int(value)


def _guarded(handler: Callable[[argparse.Namespace, Settings], int]) -> Callable[..., int]:
    """Turn "relation/function does not exist" into a hint to migrate, without a traceback."""

    @functools.wraps(handler)
    def wrapper(args: argparse.Namespace, settings: Settings) -> int:
        import psycopg

        from planfact.errors import PlanfactError

        try:
            return handler(args, settings)
        except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedFunction) as exc:
            first = str(exc).strip().splitlines()[0]
            raise PlanfactError(f"the database is not migrated to head ({first}): "
                                "run `planfact db upgrade`") from None

    return wrapper


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run``, ``runs`` and ``plan`` commands."""
    run = sub.add_parser("run", help="forecast a month: mart -> engine -> forecasts, plan, registry")
    actions = run.add_subparsers(dest="action", metavar="ACTION", required=True)
    month = actions.add_parser(
        "month", help="forecast the month YYYY-MM (reuses an identical succeeded run unless --force)")
    month.add_argument("month", type=period_argument, metavar="YYYY-MM")
    month.add_argument("--experiments", type=Path, metavar="FILE",
                       help="experiments TOML (default: PLANFACT_EXPERIMENTS_FILE or the packaged one)")
    month.add_argument("--kind", choices=("production", "experiment"), default="production",
                       help="experiment runs never become the plan of record (default: production)")
    month.add_argument("--data-version", type=int, metavar="N",
                       help="data version (default: the one as of the previous month's close)")
    month.add_argument("--force", action="store_true",
                       help="make a new run even if an identical one succeeded")
    month.add_argument("--shard", metavar="i/n", help="compute shard i of n of a shared run, then finalize")
    month.add_argument("--run-id", type=_run_id, metavar="RUN_ID", help="with --shard: the run to join")
    month.add_argument("--lock-wait", type=float, default=None, metavar="SECONDS",
                       help="wait this long for another run of the month to finish (default 3600; 0 = fail)")
    month.add_argument("--no-progress", action="store_true", help="no progress bar")
    month.set_defaults(handler=_guarded(_run_month))
    fin = actions.add_parser("finalize",
                             help="check all shards, compute metrics, mark succeeded, assign plan")
    fin.add_argument("run_id", type=_run_id, metavar="RUN_ID")
    fin.add_argument("--mark-failed", action="store_true",
                     help="record the run failed when shards are missing or failed (instead of waiting)")
    fin.set_defaults(handler=_guarded(_finalize))
    rep = actions.add_parser("reproduce", help="recompute a past run and compare every forecast value")
    rep.add_argument("run_id", type=_run_id, metavar="RUN_ID")
    rep.add_argument("--no-progress", action="store_true", help="no progress bar")
    rep.set_defaults(handler=_guarded(_reproduce))

    runs = sub.add_parser("runs", help="read the run registry")
    ractions = runs.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = ractions.add_parser("list", help="the newest runs")
    lst.add_argument("--month", type=period_argument, metavar="YYYY-MM")
    lst.add_argument("--kind", choices=("production", "experiment"))
    lst.add_argument("--status", choices=("running", "succeeded", "failed"))
    lst.add_argument("--limit", type=int, default=20, metavar="N")
    lst.set_defaults(handler=_guarded(_list))
    show = ractions.add_parser("show", help="one run: inputs, shards, models chosen, metrics, plan log")
    show.add_argument("run_id", type=_run_id, metavar="RUN_ID")
    show.add_argument("--json", action="store_true", help="print the registry row as JSON")
    show.set_defaults(handler=_guarded(_show))

    plan = sub.add_parser("plan", help="the plan of record of a month")
    pactions = plan.add_subparsers(dest="action", metavar="ACTION", required=True)
    promote = pactions.add_parser("promote", help="make a succeeded production run its month's plan")
    promote.add_argument("run_id", type=_run_id, metavar="RUN_ID")
    promote.add_argument("--reason", help="why (kept in the plan log)")
    promote.set_defaults(handler=_guarded(_promote))
    pshow = pactions.add_parser("show", help="a month's plan of record and assignment log")
    pshow.add_argument("month", type=period_argument, metavar="YYYY-MM")
    pshow.set_defaults(handler=_guarded(_plan_show))


def _run_month(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.runs import run_month
    from planfact.runs.locks import DEFAULT_LOCK_WAIT

    outcome = run_month(
        settings, args.month, experiments=args.experiments, kind=args.kind,
        data_version=args.data_version, force=args.force, shard=args.shard, run_id=args.run_id,
        progress=not args.no_progress,
        lock_wait=DEFAULT_LOCK_WAIT if args.lock_wait is None else args.lock_wait,
    )
    print(outcome.summary)
    print(f"run id: {outcome.run_id}")
    return 0


def _finalize(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.runs import finalize_run

    summary = finalize_run(settings, args.run_id, mark_failed=args.mark_failed)
    print(summary)
    print(f"run id: {summary.run_id}")
    return 0


def _reproduce(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.runs import reproduce_run

    result = reproduce_run(settings, args.run_id, progress=not args.no_progress)
    print(result)
    return 0 if result.matches else 1


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    cells = [list(header)] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _num(value: Any, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.runs.lease import sweep
    from planfact.runs.registry import list_runs

    url = resolve_url(settings)
    with connect(url) as conn:
        sweep(conn, settings, url)  # a run whose process is gone is never listed as running
        runs = list_runs(conn, month=args.month, kind=args.kind, status=args.status, limit=args.limit)
    if not runs:
        print("no runs in the registry" + (" for these filters" if args.month or args.kind or args.status
                                            else ""))
        return 0
    rows = [(r["run_id"], f"{r['target_month']:%Y-%m}", r["kind"], r["status"], "yes" if r["is_plan"] else "",
             r["data_version"], r["shard_count"], _num(r["series"], ","), _num(r["wape"], ".3f"),
             _num(r["bias"], "+.2f"), _num(r["duration_s"], ".1f"), f"{r['started_at']:%Y-%m-%d %H:%M}",
             (r["error"] or "")[:60]) for r in runs]
    print(_table(rows, ("run", "month", "kind", "status", "plan", "data", "shards", "series", "wape",
                        "bias %", "seconds", "started", "error")))
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.runs.lease import sweep
    from planfact.runs.registry import show_run

    url = resolve_url(settings)
    with connect(url) as conn:
        sweep(conn, settings, url, run_id=args.run_id)
        detail = show_run(conn, args.run_id)
    r = detail.run
    if args.json:
        print(json.dumps({**r, "shards": detail.shards, "models": detail.models, "excluded": detail.excluded,
                          "flags": detail.flags},
                         default=str, indent=2))
        return 0
    lines = [
        f"run {r['run_id']}: {r['kind']} {r['target_month']:%Y-%m}, {r['status']}"
        + (" (plan of record)" if r["is_plan"] else ""),
        f"  data version {r['data_version']}, code {r['code_version']}, model version {r['model_version']}",
        f"  experiments {r['experiments']} (sha256 {(r['config_sha256'] or '')[:12]})",
        f"  started {r['started_at']:%Y-%m-%d %H:%M:%S} by {r['started_by']} on {r['host']}, "
        f"{_num(r['duration_s'], '.1f') or '-'} s, {r['shard_count']} shard(s)",
    ]
    if r["error"]:
        lines.append(f"  error: {r['error']}")
    metrics = r["metrics"] or {}
    if metrics.get("backtest"):
        lines.append("  backtest of the chosen models: " + ", ".join(
            f"{k} {v['mean']:.4g}" for k, v in metrics["backtest"].items() if v.get("mean") is not None))
    if detail.models:
        lines.append("  models chosen: " + ", ".join(f"{m['label']} {m['series']}" for m in detail.models))
    for w in r.get("warnings") or []:
        lines.append(f"  warning: {w}")
    for f in detail.flags:
        lines.append(f"  flag {f['flag']}: {f['series']} series, e.g. " + "; ".join(f["examples"]))
    for s in detail.shards:
        t = s["timings"] or {}
        lines.append(f"  shard {s['shard_index']}: {s['status']}, {s['series_count'] or 0} series, "
                     f"read {t.get('read', 0):.1f} s, engine {t.get('engine', 0):.1f} s, "
                     f"write {t.get('write', 0):.1f} s" + (f", error: {s['error']}" if s["error"] else ""))
    if detail.excluded:
        lines.append(_excluded_line(detail.excluded, (r["params"] or {}).get("discontinued_days")))
    for p in detail.plan_history:
        lines.append(f"  plan log {p['assigned_at']:%Y-%m-%d %H:%M:%S}: run {p['run_id']} ({p['reason']}, "
                     f"by {p['assigned_by']})")
    print("\n".join(lines))
    return 0


def _excluded_line(excluded: Sequence[dict[str, Any]], days: Any, shown: int = 5) -> str:
    """'not planned: 3 discontinued series (...): Store 1 · BOOKS (last actual 2015-05-02), ...'."""
    named = ", ".join(f"{e['label']} (last actual {e['last_actual_date']})" for e in excluded[:shown])
    more = f" and {len(excluded) - shown:,} more" if len(excluded) > shown else ""
    return (f"  not planned: {len(excluded):,} discontinued series (no actuals in the {days} days up to "
            f"the cutoff): {named}{more}")


def _promote(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.server import resolve_url
    from planfact.runs import promote_plan
    from planfact.runs.lease import sweep

    url = resolve_url(settings)
    with connect(url) as conn:
        sweep(conn, settings, url, run_id=args.run_id)
        print(promote_plan(conn, args.run_id, reason=args.reason))
    return 0


def _plan_show(args: argparse.Namespace, settings: Settings) -> int:
    from planfact.db.connect import connect
    from planfact.db.queries import fetch_all
    from planfact.db.server import resolve_url
    from planfact.runs.lease import sweep
    from planfact.runs.plan import current_plan, frozen_by

    url = resolve_url(settings)
    with connect(url) as conn:
        sweep(conn, settings, url, month=args.month)
        plan = current_plan(conn, args.month)
        frozen = frozen_by(conn, args.month)
        history = fetch_all(conn, "plan/history", {"month": args.month})
    label = f"{args.month:%Y-%m}"
    state = f"frozen (actuals loaded in data version {frozen})" if frozen else "open (no actuals loaded yet)"
    print(f"{label}: plan of record {'run ' + str(plan) if plan else 'none'}; {state}")
    for at, run_id, kind, status, by, reason in history:
        print(f"  {at:%Y-%m-%d %H:%M:%S}  run {run_id} ({kind}, {status})  {reason}  by {by}")
    return 0
