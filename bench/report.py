"""Benchmark of the plan-vs-actual report on a full month: Rossmann (1,115 stores × 31 days)
or the messy-retail feed (``--feed messy``: 100 stores × 33 departments = 3,300 series).

Rossmann: with ../shared/data/rossmann present it builds a throwaway database (the bench
server: PLANFACT_BENCH_DATABASE_URL, else the embedded one), loads the Rossmann stores and
the July 2015 actuals with the real loader, writes a synthetic plan of record (actual ×
lognormal noise, ±15 % / ±25 % intervals), refreshes the mart, and times reading the mart and
rendering each format. Without the data it times the renderers on an in-memory ReportData of
the same shape (``tests/support/report_sample.py``) and says so. Target: both formats in under 15 s together.

Messy (issue 29): the generator's ``large`` feed (``planfact data generate --profile messy
--size large``: returns, TRUE/FALSE flags, born, stopped, sparse, intermittent and tiny series)
from 2014-01-01 to July 2015 is loaded through its mapping (one data version, so the year to
date and the accuracy trend have their history), the same synthetic plan is written for the
series that report July (negative net sales planned 0), and the report of July is timed.
Target: the end-to-end report (read, both files, sha256, registry) in at most 10 s.

Median of ``--runs`` runs (default 3).

    python bench/report.py [--runs 3] [--data DIR] [--memory] [--feed rossmann|messy]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import queries as bench_sql  # noqa: E402
from servers import server_url, throwaway_database  # noqa: E402

from planfact.config import Settings  # noqa: E402
from planfact.db.connect import connect  # noqa: E402
from planfact.reporting.month import render_month_report  # noqa: E402
from reports.excel import write_workbook  # noqa: E402
from reports.html import write_html  # noqa: E402
from reports.model import ReportData  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rossmann"
MONTH = date(2015, 7, 1)
TARGET_SECONDS = {"rossmann": 15.0, "messy": 10.0}
MESSY_START = "2014-01-01"
T = TypeVar("T")




def _month_file(data_dir: Path, out: Path) -> Path:
    """The July 2015 rows of train.csv.gz (same layout) as a file the loader reads."""
    with gzip.open(data_dir / "train.csv.gz", "rt", newline="") as src, out.open("w", newline="") as dst:
        reader, writer = csv.reader(src), csv.writer(dst)
        header = next(reader)
        writer.writerow(header)
        column = header.index("Date")
        writer.writerows(row for row in reader if row[column].startswith("2015-07"))
    return out


def _load_rossmann(conn: psycopg.Connection, data_dir: Path, folder: Path) -> int:
    """Rossmann stores and July 2015 actuals; returns the data version."""
    from planfact.actuals.loader import load_actuals
    from planfact.actuals.reference import load_stores

    load_stores(conn, data_dir / "store.csv.gz")
    result = load_actuals(conn, _month_file(data_dir, folder / "train_2015-07.csv"))
    assert result.version_id is not None, result.message
    return result.version_id


def _load_messy(conn: psycopg.Connection, folder: Path) -> int:
    """The messy feed (large) from MESSY_START to July 2015 through its mapping; the version."""
    from planfact.actuals import load_actuals, load_holidays, load_stores
    from planfact.demo.synthetic import generate_messy, write_messy

    data = generate_messy("large", seed=7, start=MESSY_START, end=date(2015, 7, 31))
    write_messy(data, folder)
    load_stores(conn, folder / "stores.csv.gz")
    load_holidays(conn, folder / "holidays_events.csv.gz")
    result = load_actuals(
        conn, folder / "messy_sales.csv.gz", mapping=folder / "messy_mapping.toml", new_series=True
    )
    assert result.version_id is not None, result.message
    return result.version_id


def _fill(url: str, load: Callable[[psycopg.Connection, Path], int]) -> dict[str, float]:
    """Load the actuals, write the synthetic plan, refresh the mart; step -> seconds."""
    from planfact.mart import refresh_mart

    timings = {}
    with connect(url) as conn, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        version_id = load(conn, Path(tmp))
        timings["actuals generated (messy) and loaded (real loader)"] = time.perf_counter() - started
        started = time.perf_counter()
        rng = np.random.default_rng(2015)
        rows = bench_sql.fetch_all(conn, "month_actuals", {"month": MONTH})
        with conn.transaction():
            inserted = bench_sql.execute(
                conn, "insert_run", {"month": MONTH, "data_version": version_id}
            ).fetchone()
            assert inserted is not None
            run_id = inserted[0]
            with conn.cursor() as cur, cur.copy(bench_sql.statement("copy_forecast")) as copy:
                for series_id, day, sales, is_open in rows:
                    # (a plan is never negative: net returns are planned 0)
                    yhat = max(float(sales), 0.0) * float(np.exp(rng.normal(0, 0.12))) if is_open else 0.0
                    copy.write_row(
                        (
                            run_id,
                            series_id,
                            day,
                            "bench",
                            yhat,
                            yhat * 0.85,
                            yhat * 1.15,
                            yhat * 0.75,
                            yhat * 1.25,
                        )
                    )
            bench_sql.execute(conn, "assign_plan", {"month": MONTH, "run_id": run_id})
        timings["synthetic plan"] = time.perf_counter() - started
        started = time.perf_counter()
        refresh_mart(conn)
        timings["mart refresh"] = time.perf_counter() - started
        print(
            f"loaded {len(rows):,} series-days of {MONTH:%Y-%m} (data version {version_id}), "
            f"plan run {run_id}",
            file=sys.stderr,
        )
    return timings


def _time(step: Callable[[], T], runs: int) -> tuple[float, T]:
    """Median seconds of ``runs`` calls, and the last call's result."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _render(data: ReportData, out: Path, runs: int) -> dict[str, float]:
    xlsx, _ = _time(lambda: write_workbook(data, out / "plan_fact.xlsx"), runs)
    html, _ = _time(lambda: write_html(data, out / "plan_fact.html"), runs)
    print(
        f"files: xlsx {(out / 'plan_fact.xlsx').stat().st_size / 1e6:.2f} MB, "
        f"html {(out / 'plan_fact.html').stat().st_size / 1e6:.2f} MB",
        file=sys.stderr,
    )
    return {"render xlsx": xlsx, "render html": html}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--feed", choices=sorted(TARGET_SECONDS), default="rossmann")
    parser.add_argument("--memory", action="store_true", help="time the renderers on in-memory data only")
    parser.add_argument("--keep", type=Path, default=None, help="leave the rendered files in this folder")
    args = parser.parse_args()
    from planfact.reporting.data import load_report_data

    rows: dict[str, float] = {}
    end_to_end: float | None = None
    messy = args.feed == "messy"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if args.memory or not (messy or (args.data / "train.csv.gz").exists()):
            sys.path.insert(0, str(ROOT / "tests"))  # the renderer tests' in-memory month (not in the wheel)
            from support.report_sample import sample_report_data

            stores = 3300 if messy else 1115
            print(
                f"no Rossmann data in {args.data} (or --memory): timing the renderers on an in-memory "
                f"ReportData of {stores:,} stores × 31 days",
                file=sys.stderr,
            )
            source = f"in-memory ReportData, {stores:,} stores × 31 days"
            data = sample_report_data(stores=stores, days=31, month=MONTH)
        else:
            from planfact.db.migrate import upgrade

            with throwaway_database(server_url(), "planfact_bench_report") as url:
                upgrade(url, "head")
                if messy:
                    setup = _fill(url, _load_messy)
                else:
                    setup = _fill(url, lambda conn, folder: _load_rossmann(conn, args.data, folder))
                for step, seconds in setup.items():
                    print(f"setup: {step} {seconds:.2f} s", file=sys.stderr)
                with connect(url) as conn:
                    rows["read mart → ReportData"], data = _time(
                        lambda: load_report_data(conn, MONTH, tolerance=0.02), args.runs
                    )
                settings = Settings(database_url=url, report_dir=out / "e2e", state_dir=out / "state")
                end_to_end, _ = _time(lambda: render_month_report(settings, MONTH), args.runs)
            if messy:
                source = (f"messy retail large (3,300 series, history from {MESSY_START}), July 2015, "
                          "synthetic plan, mart refreshed")
            else:
                source = "Rossmann July 2015 (real loader, synthetic plan), mart refreshed"
        rows.update(_render(data, out, args.runs))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in out.iterdir():
                path.replace(args.keep / path.name)
    total = sum(rows.values())
    target = TARGET_SECONDS[args.feed]
    print(f"\nplan-vs-actual report, {source}; median of {args.runs} runs\n")
    print("| step | seconds |")
    print("|---|---|")
    for step, seconds in rows.items():
        print(f"| {step} | {seconds:.2f} |")
    print(f"| **sum of the steps (both formats)** | **{total:.2f}** (target < {target:.0f}) |")
    if end_to_end is not None:
        print(
            f"| end to end: `render_month_report` (read, both files, sha256, registry) | {end_to_end:.2f} |"
        )
    return 0 if max(total, end_to_end or 0.0) <= target else 1


if __name__ == "__main__":
    sys.exit(main())
