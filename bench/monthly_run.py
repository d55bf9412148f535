"""Benchmark of the monthly run on Rossmann: history to June 2015, forecast July 2015.

In a throwaway database it loads ``train.csv.gz`` up to 2015-06-30 with the loader
(one data version; the store file too), plus July's known promo/open flags as a plan
file when the loader offers ``load_plan``, then runs ``planfact run month 2015-07``
with the default experiments once, end to end, and reports its wall time split into
read (mart.export_training), engine and write (COPY of models, backtest evidence,
selection and 1,115 x 31 forecast rows). The engine dominates and runs once; read and
write are then repeated (``--repeats``, median) on the same data and engine result,
each write in a transaction that is rolled back. Target: the forecast rows' write
under 2 s. The plan's WAPE on July's open days is printed for information.

    python bench/monthly_run.py [--data DIR] [--workers 2] [--repeats 5] [--keep] [--fast]

``--fast`` uses the default experiments without their slow candidates (ETS, Prophet,
LightGBM, combination): same backtest design and metrics, so the read and write
figures are those of a default run while the engine takes minutes less.

Server: ``PLANFACT_BENCH_DATABASE_URL`` or ``PLANFACT_TEST_DATABASE_URL`` (an admin URL;
a database is created and dropped), else the embedded server in .planfact/pgbench.
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

import pandas as pd  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402
from servers import server_url, throwaway_database  # noqa: E402

import forecasting.engine  # noqa: E402
from forecasting.experiments import load_experiments  # noqa: E402
from planfact.config import Settings  # noqa: E402
from planfact.db.connect import connect  # noqa: E402
from planfact.db.migrate import upgrade  # noqa: E402
from planfact.db.queries import fetch_frame, fetch_one  # noqa: E402
from planfact.runs import run_month  # noqa: E402
from planfact.runs.reader import read_training  # noqa: E402
from planfact.runs.record import get_run  # noqa: E402
from planfact.runs.writer import write_results  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rossmann"
MONTH = dt.date(2015, 7, 1)
FAST_EXPERIMENTS = """
seed = 42
levels = [80, 95]
[backtest]
folds = 3
horizon = "month"
warmup_folds = 1
[metrics]
compute = ["wape", "rmspe", "bias", "mae", "rmse", "smape", "mase",
           "coverage_80", "coverage_95", "winkler_95"]
[selection]
primary = "rmspe"
weights = { rmspe = 0.5, wape = 0.5 }
constraints = ["abs(bias) <= 10"]
tie_breakers = ["wape", "mae"]
fallback = "profile"
[[experiment]]
name = "seasonal_naive"
model = "seasonal_naive"
[[experiment]]
name = "weekday_mean"
model = "weekday_mean"
params = { k = 4 }
[[experiment]]
name = "profile"
model = "profile"
params = { window = 182, promo_by_weekday = true }
[[experiment]]
name = "profile_calendar"
model = "profile"
params = { window = 364, half_life = 91.0, dom_effect = true, closure_effect = true }
"""
CUTOFF = dt.date(2015, 6, 30)




def prepare_files(data: Path, out: Path) -> tuple[Path, Path | None, pd.DataFrame]:
    """History to the cutoff (Rossmann layout), July's flags as a plan file, July's actuals."""
    train = pd.read_csv(data / "train.csv.gz", dtype={"StateHoliday": str})
    dates = pd.to_datetime(train["Date"])
    history = out / "train_to_2015-06.csv.gz"
    train[dates <= pd.Timestamp(CUTOFF)].to_csv(history, index=False)
    july = train[(dates >= pd.Timestamp(MONTH)) & (dates < pd.Timestamp("2015-08-01"))]
    plan = out / "plan_2015-07.csv"
    july.drop(columns=["Sales", "Customers"]).to_csv(plan, index=False)
    return history, plan, july


def load(url: str, data: Path, history: Path, plan: Path) -> dict[str, Any]:
    """Load stores, the history and (when supported) July's plan; return seconds and versions."""
    from planfact import actuals

    out: dict[str, Any] = {}
    with connect(url) as conn:
        if (data / "store.csv.gz").exists() and hasattr(actuals, "load_stores"):
            actuals.load_stores(conn, data / "store.csv.gz")
        started = time.perf_counter()
        result = actuals.load_actuals(conn, history)
        out["load_history_s"] = time.perf_counter() - started
        out["history_version"] = result.version_id
        if hasattr(actuals, "load_plan"):
            started = time.perf_counter()
            result = actuals.load_plan(conn, plan)
            out["load_plan_s"] = time.perf_counter() - started
            out["plan_version"] = result.version_id
    return out


def plan_accuracy(url: str, run_id: int, july: pd.DataFrame) -> float:
    """WAPE of the run's forecast on July's open days (sum |y - yhat| / sum y)."""
    with connect(url) as conn:
        fc = fetch_frame(conn, "runs/forecast_by_store", {"run_id": run_id})
    fc = fc.rename(columns={"store_id": "Store", "forecast_date": "Date"})[["Store", "Date", "yhat"]]
    fc["Store"] = fc["Store"].astype(int)
    fc["Date"] = pd.to_datetime(fc["Date"])
    act = july.assign(Date=pd.to_datetime(july["Date"]))
    merged = act[act["Open"] == 1].merge(fc, on=["Store", "Date"], how="left")
    return float((merged["Sales"] - merged["yhat"].fillna(0)).abs().sum() / merged["Sales"].sum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("ROSSMANN_DIR", DEFAULT_DATA)))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--fast", action="store_true", help="default experiments minus the slow models")
    args = parser.parse_args()
    if not (args.data / "train.csv.gz").exists():
        print(f"SKIP: Rossmann data not found at {args.data} (set ROSSMANN_DIR)", file=sys.stderr)
        return 0
    with throwaway_database(server_url(), "planfact_bench_run", keep=args.keep) as url:
        return _bench(url, args)


def _bench(url: str, args: argparse.Namespace) -> int:
    upgrade(url)
    with tempfile.TemporaryDirectory() as tmp:
        history, plan, july = prepare_files(args.data, Path(tmp))
        loaded = load(url, args.data, history, plan)
        experiments = None
        if args.fast:
            experiments = Path(tmp) / "fast_experiments.toml"
            experiments.write_text(FAST_EXPERIMENTS, encoding="utf-8")
            experiments = load_experiments(experiments)
    settings = Settings(database_url=url, workers=args.workers)
    captured: dict[str, Any] = {}
    original = forecasting.engine.run_engine

    def capture(*a: Any, **k: Any) -> Any:
        captured["result"] = original(*a, **k)
        return captured["result"]

    forecasting.engine.run_engine = capture  # the run imports it at call time
    started = time.perf_counter()
    outcome = run_month(settings, MONTH, experiments=experiments, progress=True)
    wall = time.perf_counter() - started
    forecasting.engine.run_engine = original
    with connect(url) as conn:
        timings = fetch_one(conn, "runs/shard_states", {"run_id": outcome.run_id})[4]
        data_version = get_run(conn, outcome.run_id).data_version
        reads, writes, fc_writes = [], [], []
        for _ in range(args.repeats):
            mark = time.perf_counter()
            with conn.transaction():
                read_training(conn, data_version, CUTOFF)
            reads.append(time.perf_counter() - mark)
        for _ in range(args.repeats):
            with conn.transaction(force_rollback=True):
                # A scratch run row so the rows have a parent; rolled back with them.
                run_id = fetch_one(conn, "runs/insert_run", {
                    "kind": "experiment", "month": MONTH, "data_version": data_version,
                    "model_version": None, "code_version": "bench", "config": Jsonb({}),
                    "config_sha256": None, "params": Jsonb({}), "shard_count": 1, "host": None,
                    "started_by": None})[0]
                mark = time.perf_counter()
                counts = write_results(conn, run_id, captured["result"])
                writes.append(time.perf_counter() - mark)
                fc_writes.append(counts["seconds"]["forecast_value"])
    accuracy = plan_accuracy(url, outcome.run_id, july)
    rows = timings["rows"]
    print(outcome.summary)
    print(f"\nMonthly run bench on Rossmann, July 2015 from history to June 2015, {os.cpu_count()} cores, "
          f"workers={args.workers}, {'fast subset of the ' if args.fast else ''}default experiments\n")
    print("| step | seconds | note |\n|---|---|---|")
    print(f"| load history to 2015-06 (loader) | {loaded['load_history_s']:.1f} | one data version |")
    if "load_plan_s" in loaded:
        print(f"| load July flags (plan file) | {loaded['load_plan_s']:.1f} | known promo/open days |")
    print(f"| run month, end to end | {wall:.1f} | one run, {rows['forecast_value']:,} forecast rows |")
    print(f"| - read (mart.export_training, COPY) | {timings['read']:.2f} | in the run; "
          f"{timings['input_rows']:,} rows |")
    print(f"| - engine | {timings['engine']:.1f} | in the run |")
    print(f"| - write (all tables, COPY) | {timings['write']:.2f} | in the run; "
          f"{rows['backtest_metric']:,} backtest, {rows['selection']:,} selection rows |")
    print(f"| read, median of {args.repeats} | {statistics.median(reads):.2f} | |")
    print(f"| write all tables, median of {args.repeats} | {statistics.median(writes):.2f} | |")
    print(f"| write forecast rows ({rows['forecast_value']:,}), median of {args.repeats} | "
          f"{statistics.median(fc_writes):.3f} | target < 2 s |")
    print(f"\nplan of record WAPE on July 2015 open days: {accuracy:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
