"""Benchmark of the monthly job on the "messy retail" feed: plan of record vs same-weekday-last-year.

The messy-retail generator (``planfact data generate --profile messy``; ``large`` is 100 stores
x 33 departments = 3,300 series with returns, TRUE/FALSE flags, born, stopped, sparse,
intermittent and tiny series) writes its files; in a throwaway database the bench loads the
stores, holidays and the history before the first target month through the feed's mapping
(one data version), then for each target month, in order: runs the monthly job
(``run_month``, production: the plan of record) and loads that month's actuals (a new data
version), as the monthly schedule would. After the mart refresh it compares, per month, over
the series-days that have an actual (``mart.plan_fact_series_day``, the plan 0 where a series
has no plan):

- plan WAPE: sum |actual - plan| / sum |actual| (the gross actual: returns make some negative);
- baseline WAPE: the same with the actual of the same series 364 days earlier (the same
  weekday last year; 0 where the series had no row then), computed here from the actuals;
- improvement = 1 - plan WAPE / baseline WAPE; the mart's own series-level WAPE
  (``mart.forecast_accuracy``, over the net actual) for reference;
- series planned, left out as discontinued, and series without a full month of forecasts
  among those that should have one (every series with history, not discontinued): must be 0;
- the engine's seconds (one run per month: the figures are accuracy, not timing).

Acceptance (issue 19): the mean improvement is at least 15 % and no series lacks a forecast.

    python bench/messy.py [--size large] [--months 2015-07,2015-08] [--start 2014-01-01]
                          [--experiments FILE] [--workers N] [--keep]

Server: ``PLANFACT_BENCH_DATABASE_URL`` (an admin URL), else the embedded server in
.planfact/pgbench; a database is created and dropped (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from queries import fetch_all, fetch_one  # noqa: E402
from servers import server_url, throwaway_database  # noqa: E402

from forecasting.calendar import month_cutoff, month_days, month_end  # noqa: E402
from planfact.actuals import load_actuals, load_holidays, load_stores  # noqa: E402
from planfact.config import Settings  # noqa: E402
from planfact.db.connect import connect  # noqa: E402
from planfact.db.migrate import upgrade  # noqa: E402
from planfact.demo.synthetic import generate_messy, write_messy  # noqa: E402
from planfact.mart import refresh_mart  # noqa: E402
from planfact.periods import parse_month  # noqa: E402
from planfact.runs import run_month  # noqa: E402
from planfact.runs.record import get_run  # noqa: E402

TARGET = 0.15  # the plan beats the baseline by at least 15 %


def _load(url: str, folder: Path, files: list[Path]) -> int:
    with connect(url) as conn:
        result = load_actuals(conn, files, mapping=folder / "messy_mapping.toml", new_series=True)
    if result.version_id is None:
        raise SystemExit(f"load of {[f.name for f in files]} made no version: {result.message}")
    return result.version_id


def _wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.abs(actual - forecast).sum() / np.abs(actual).sum())


def _month_figures(url: str, month: dt.date, run_id: int) -> dict[str, Any]:
    """Plan and baseline WAPE of ``month`` and the run's series counts (see the module doc)."""
    with connect(url) as conn:
        run = get_run(conn, run_id)
        rows = fetch_all(conn, "messy_plan_fact", {"month": month})
        last_year = fetch_all(conn, "messy_last_year", {"first": month, "last": month_end(month)})
        unplanned = fetch_one(conn, "messy_unplanned", {
            "data_version": run.data_version, "cutoff": month_cutoff(month), "run_id": run_id,
            "days": month_days(month)})
        mart = fetch_one(conn, "messy_accuracy", {"month": month})
    frame = pd.DataFrame(rows, columns=["series_id", "day", "plan", "actual"])
    base = pd.DataFrame(last_year, columns=["series_id", "day", "last_year"])
    frame = frame.merge(base, how="left", on=["series_id", "day"]).fillna({"last_year": 0.0})
    actual = frame["actual"].to_numpy(float)
    plan_wape = _wape(actual, frame["plan"].to_numpy(float))
    base_wape = _wape(actual, frame["last_year"].to_numpy(float))
    metrics = run.metrics or {}
    return {
        "month": month, "run_id": run_id, "plan_wape": plan_wape, "base_wape": base_wape,
        "improvement": 1 - plan_wape / base_wape, "mart_wape": None if mart is None else mart[0],
        "series": int(metrics.get("series", 0)), "discontinued": int(metrics.get("discontinued", 0)),
        "unplanned": int(unplanned[0]) if unplanned else -1, "series_days": len(frame),
        "engine_s": float((metrics.get("timings") or {}).get("engine", float("nan"))),
        "models": metrics.get("models") or {},
    }


def _bench(url: str, args: argparse.Namespace, folder: Path) -> int:
    months = [parse_month(m) for m in args.months.split(",")]
    started = time.perf_counter()
    data = generate_messy(args.size, seed=args.seed, start=args.start, end=month_end(months[-1]))
    write_messy(data, folder, by_month=True)
    series_total = data.sales.groupby(["store", "department"]).ngroups
    print(f"generated {args.size}: {series_total:,} series, {len(data.sales):,} rows "
          f"({args.start}..{month_end(months[-1])}) in {time.perf_counter() - started:.0f} s", flush=True)
    upgrade(url)
    with connect(url) as conn:
        load_stores(conn, folder / "stores.csv.gz")
        load_holidays(conn, folder / "holidays_events.csv.gz")
    history = [folder / f"actuals_{m:%Y-%m}.csv.gz" for m in data.months() if m < months[0]]
    mark = time.perf_counter()
    _load(url, folder, history)
    print(f"history loaded ({len(history)} monthly files) in {time.perf_counter() - mark:.0f} s", flush=True)
    settings = Settings(database_url=url, workers=args.workers, state_dir=folder / "state")
    runs = {}
    for month in months:
        mark = time.perf_counter()
        outcome = run_month(settings, month, experiments=args.experiments, progress=False)
        wall = time.perf_counter() - mark
        print(f"\n{outcome.summary}\n(run of {month:%Y-%m}: {wall:.0f} s wall)", flush=True)
        runs[month] = outcome.run_id
        _load(url, folder, [folder / f"actuals_{month:%Y-%m}.csv.gz"])
    with connect(url) as conn:
        refresh_mart(conn)
    figures = [_month_figures(url, month, runs[month]) for month in months]
    return _report(figures, args, series_total)


def _report(figures: list[dict[str, Any]], args: argparse.Namespace, series_total: int) -> int:
    print(f"\nMessy retail bench: size {args.size} ({series_total:,} series), history from {args.start}, "
          f"{os.cpu_count()} cores, workers={args.workers}, experiments "
          f"{args.experiments or 'packaged default'}\n")
    print("| month | plan WAPE | same weekday last year WAPE | improvement | mart WAPE (net) | series "
          "planned | discontinued | without a forecast | series-days | engine s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for f in figures:
        mart = "-" if f["mart_wape"] is None else f"{f['mart_wape']:.3f}"
        print(f"| {f['month']:%Y-%m} | {f['plan_wape']:.3f} | {f['base_wape']:.3f} | {f['improvement']:.1%} "
              f"| {mart} | {f['series']:,} | {f['discontinued']:,} | {f['unplanned']} | "
              f"{f['series_days']:,} | {f['engine_s']:.0f} |")
    mean = {k: statistics.fmean(f[k] for f in figures) for k in ("plan_wape", "base_wape", "engine_s")}
    improvement = 1 - mean["plan_wape"] / mean["base_wape"]
    unplanned = sum(f["unplanned"] for f in figures)
    print(f"| mean | {mean['plan_wape']:.3f} | {mean['base_wape']:.3f} | {improvement:.1%} | | | | "
          f"{unplanned} | | {mean['engine_s']:.0f} |")
    for f in figures:
        ranked = sorted(f["models"].items(), key=lambda kv: (-kv[1], kv[0]))
        print(f"models chosen {f['month']:%Y-%m}: " + ", ".join(f"{k} {v:,}" for k, v in ranked))
    beats = improvement >= TARGET
    print(f"\nacceptance: plan beats the baseline by >= {TARGET:.0%}: {'yes' if beats else 'NO'} "
          f"({improvement:.1%}); no series without a forecast: {'yes' if unplanned == 0 else 'NO'} "
          f"({unplanned})")
    return 0 if beats and unplanned == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["tiny", "small", "large"])
    parser.add_argument("--months", default="2015-07,2015-08", help="target months, in order (YYYY-MM,...)")
    parser.add_argument("--start", default="2014-01-01", help="first day of the generated history")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--experiments", type=Path, default=None, help="experiments TOML (default: packaged)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(
        server_url(), "planfact_messy", keep=args.keep
    ) as url:
        return _bench(url, args, Path(tmp))


if __name__ == "__main__":
    raise SystemExit(main())
