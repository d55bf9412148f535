"""Benchmark of the export data mart on the full Rossmann history.

In a throwaway database it loads ``store.csv.gz`` and ``train.csv.gz`` with the project's
loader as two data versions (history to 2015-06-30, then July 2015), writes a synthetic plan
of record for July 2015 (a succeeded production run whose forecast is the same weekday a year
earlier, +-15 % / +-30 % bounds), then measures, each as the median of ``--repeats`` runs:

- the mart refresh (``planfact mart refresh``: every materialized view, concurrently) and the
  first refresh that populates it;
- ``EXPLAIN ANALYZE`` of selecting July 2015 from ``mart.plan_fact_monthly`` (target < 1 s);
- reading ``mart.export_training(history version, 2015-06-30)`` fully into the client (the
  monthly run's model input, ~1M rows);
- the data tests (``planfact mart test``).

Prints a markdown table for the README's Performance section.

    python bench/mart.py [--data DIR] [--repeats 3] [--keep]

Server: ``PLANFACT_BENCH_DATABASE_URL`` or ``PLANFACT_TEST_DATABASE_URL`` (an admin URL; a
database is created and dropped), else the embedded server in .planfact/pgbench.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import queries as bench_sql  # noqa: E402
from servers import server_url, throwaway_database  # noqa: E402

from planfact.db.connect import connect  # noqa: E402
from planfact.db.migrate import upgrade  # noqa: E402
from planfact.mart import evaluate_data_tests, refresh_mart  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rossmann"
MONTH = dt.date(2015, 7, 1)
CUTOFF = dt.date(2015, 6, 30)




def split_train(train: Path, out: Path) -> tuple[Path, Path]:
    """train.csv.gz cut at the cutoff: history (<= 2015-06-30) and July, same layout."""
    history, july = out / "train_to_2015-06.csv.gz", out / "train_2015-07.csv.gz"
    with gzip.open(train, "rt") as src, gzip.open(history, "wt") as hist, gzip.open(july, "wt") as jul:
        header = src.readline()
        column = header.strip().split(",").index("Date")
        hist.write(header)
        jul.write(header)
        for line in src:
            (hist if line.split(",", column + 1)[column] <= CUTOFF.isoformat() else jul).write(line)
    return history, july


def load(url: str, data: Path) -> tuple[int, float]:
    """Stores, history and July through the loader; the history's version and load seconds."""
    try:
        from planfact.actuals import load_actuals, load_stores
    except ImportError as exc:
        raise SystemExit(f"SKIP: the actuals loader (issue 3) is not importable: {exc}") from None
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, connect(url) as conn:
        history, july = split_train(data / "train.csv.gz", Path(tmp))
        load_stores(conn, data / "store.csv.gz")
        first = load_actuals(conn, history, today=dt.date(2015, 7, 1))
        load_actuals(conn, july, today=dt.date(2015, 8, 1))
    if first.version_id is None:
        raise SystemExit(f"loader made no version: {first.message}")
    return first.version_id, time.perf_counter() - started


def synthetic_plan(url: str, version: int) -> int:
    """A succeeded production run with July's forecasts, assigned as July's plan of record."""
    with connect(url) as conn, conn.transaction():
        params = {"month": MONTH, "data_version": version}
        row = bench_sql.fetch_one(conn, "plan_run", params)
        assert row is not None
        params["run_id"] = row[0]
        bench_sql.execute(conn, "plan_values", params)
        bench_sql.execute(conn, "plan_assign", params)
        return int(row[0])


def median_of(repeats: int, step: Callable[[], float]) -> float:
    return statistics.median(step() for _ in range(repeats))


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _bench(url: str, args: argparse.Namespace) -> int:
    upgrade(url)
    version, load_s = load(url, args.data)
    synthetic_plan(url, version)
    rows: list[tuple[str, float, str]] = [
        ("load history + July with the loader (once)", load_s, "2 data versions")
    ]
    with connect(url) as conn:
        first = refresh_mart(conn)
        rows.append(("first mart refresh (populate, once)", sum(first.values()), ""))
        runs = [refresh_mart(conn) for _ in range(args.repeats)]
        for view in runs[0]:
            rows.append((f"refresh {view}", statistics.median(r[view] for r in runs), "concurrently"))
        rows.append(
            ("mart refresh, all views", statistics.median(sum(r.values()) for r in runs), "concurrently")
        )

        def explain() -> float:
            plan = bench_sql.fetch_one(conn, "explain_month", {"month": MONTH})
            assert plan is not None
            conn.rollback()
            return float(plan[0][0]["Execution Time"]) / 1000

        explain_s = median_of(args.repeats, explain)
        rows.append(
            ("EXPLAIN ANALYZE plan_fact_monthly, one month", explain_s, "server execution; target < 1 s")
        )

        counted: list[int] = []

        def export() -> float:
            started = time.perf_counter()
            got = bench_sql.execute(
                conn, "export_rows", {"data_version": version, "cutoff": CUTOFF}
            ).fetchall()
            counted.append(len(got))
            conn.rollback()
            return time.perf_counter() - started

        rows.append(
            (
                "export_training(history, 2015-06-30) to client",
                median_of(args.repeats, export),
                f"{counted[0]:,} rows",
            )
        )
        results: list = []
        tests_s = median_of(args.repeats, lambda: _timed(lambda: results.append(evaluate_data_tests(conn))))
        failed = [r for r in results[-1] if not r.passed]
        rows.append(
            (
                "data tests (planfact mart test)",
                tests_s,
                f"{len(results[-1])} tests, {len(failed)} not passed",
            )
        )
        for result in failed:
            print("not passed:", result.describe(), file=sys.stderr)
    print(f"\nmart benchmark on Rossmann (median of {args.repeats}; PostgreSQL at {url.split('@')[-1]})\n")
    loadavg = os.getloadavg()[0]
    print(f"(load average at the end: {loadavg:.1f} on {os.cpu_count()} CPUs)\n")
    print("| what | seconds | note |")
    print("|---|---:|---|")
    for what, seconds, note in rows:
        print(f"| {what} | {seconds:.4f} | {note} |")
    return 0 if explain_s < 1 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("ROSSMANN_DIR", DEFAULT_DATA)))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    if not (args.data / "train.csv.gz").exists() or not (args.data / "store.csv.gz").exists():
        print(f"SKIP: Rossmann data not found at {args.data} (set ROSSMANN_DIR)", file=sys.stderr)
        return 0
    with throwaway_database(server_url(), "planfact_bench_mart", keep=args.keep) as url:
        return _bench(url, args)

if __name__ == "__main__":
    sys.exit(main())
