"""Scale benchmark: every stage of a month at 1x, 3x and 10x Rossmann's row count.

The data are Rossmann-shaped: ``train.csv.gz`` repeated k times with the store ids shifted by
1,115 per copy (k x 1,115 stores, 942 days each, Rossmann's own gaps, promos and holidays).
For each scale, in a throwaway database:

- full load: the history to 2015-06-30 into an empty database (``load_actuals``);
- mart refresh: every materialized view (``refresh_mart``), after July's plan flags are loaded;
- export_training: ``mart.export_training(history, 2015-06-30)`` read fully into the client;
- monthly run: ``run_month`` July 2015 in a child process with the fast experiments of
  ``monthly_run.py --fast`` (seasonal naive, weekday mean, two profiles; no ETS, Prophet,
  LightGBM): its read, engine (also per series) and write, and the peak memory of the child
  and of its worker processes (``ru_maxrss``; their sum is stated as the run's peak);
- increment, fixed size: July 2015 of the first 1,115 stores (34,565 rows, the same file at
  every scale) on top of the history, in a transaction rolled back after it: how a month's
  load grows with the history alone;
- increment, whole month: July 2015 of every store (k x 34,565 rows), committed;
- report render: ``render_month_report`` of July 2015 (after a mart refresh), xlsx and html.

It prints one table and, per stage, the exponent b of a least-squares fit time ~ rows^b over
the scales (1: linear, 0: flat).

    python bench/scale.py [--scales 1,3,10] [--data ../shared/data/rossmann] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import queries as bench_sql  # noqa: E402
from monthly_run import FAST_EXPERIMENTS, MONTH  # noqa: E402
from servers import server_url, throwaway_database  # noqa: E402

from planfact.db.connect import connect  # noqa: E402
from planfact.db.migrate import upgrade  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rossmann"
STORES = 1115
CUTOFF = "2015-06-30"
STAGES = (
    ("full_load", "full load, history to June 2015"),
    ("increment_fixed", "increment, July of 1,115 stores (34,565 rows)"),
    ("increment_month", "increment, July of every store"),
    ("mart_refresh", "mart refresh, all views"),
    ("export_training", "export_training read to the client"),
    ("run_read", "monthly run: read"),
    ("run_engine", "monthly run: engine"),
    ("engine_per_series_ms", "monthly run: engine per series (ms)"),
    ("run_write", "monthly run: write"),
    ("report", "report render (xlsx + html)"),
)


def generate(train: Path, folder: Path, k: int) -> dict[str, Path]:
    """History, July actuals (all stores and the first 1,115), July plan flags, for scale k."""
    with gzip.open(train, "rb") as source:
        header, *lines = source.read().split(b"\n")
    lines = [line for line in lines if line]
    names = ("history", "july", "july_fixed", "plan")
    paths = {name: folder / f"{name}_x{k}.csv" for name in names}
    handles = {name: paths[name].open("wb") for name in names}
    try:
        for name in ("history", "july", "july_fixed"):
            handles[name].write(header + b"\n")
        # plan: Store,DayOfWeek,Date,Open,Promo,StateHoliday,SchoolHoliday (no sales, customers)
        handles["plan"].write(b"Store,DayOfWeek,Date,Open,Promo,StateHoliday,SchoolHoliday\n")
        for copy in range(k):
            shift = copy * STORES
            for line in lines:
                store, rest = line.split(b",", 1)
                row = str(int(store) + shift).encode() + b"," + rest + b"\n"
                if b",2015-07-" in rest:
                    handles["july"].write(row)
                    if copy == 0:
                        handles["july_fixed"].write(row)
                    fields = row.split(b",")
                    handles["plan"].write(b",".join(fields[:3] + fields[5:]))
                else:
                    handles["history"].write(row)
    finally:
        for handle in handles.values():
            handle.close()
    return paths


def timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def child_run(url: str, workers: int, experiments_file: str) -> None:
    """(In the child process) run_month July 2015, print its timings and peak memory as JSON."""
    from forecasting.experiments import load_experiments
    from planfact.config import Settings
    from planfact.db.queries import fetch_one
    from planfact.runs import run_month

    settings = Settings(database_url=url, workers=workers)
    wall, outcome = timed(
        lambda: run_month(settings, MONTH, experiments=load_experiments(Path(experiments_file)))
    )
    with connect(url) as conn:
        timings = fetch_one(conn, "runs/shard_states", {"run_id": outcome.run_id})[4]
        series = bench_sql.fetch_one(conn, "series_count")[0]  # type: ignore[index]
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "timings": timings, "series": series, "rss_mb": me, "kids_mb": kids}))


def bench_scale(
    admin: str, train: Path, folder: Path, k: int, workers: int, skip_run: bool
) -> dict[str, Any]:
    from planfact.actuals import load_actuals, load_plan
    from planfact.config import Settings
    from planfact.mart import refresh_mart
    from planfact.reporting.month import render_month_report

    paths = generate(train, folder, k)
    out: dict[str, Any] = {"rows": sum(1 for _ in paths["history"].open("rb")) - 1}
    with throwaway_database(admin, "planfact_bench_scale") as url:
        upgrade(url)
        with connect(url) as conn:
            out["full_load"], history = timed(lambda: load_actuals(conn, paths["history"], new_series=True))
            if not skip_run:  # July's flags, for the run (a staged plan load: slow at 3x, see README)
                load_plan(conn, paths["plan"], new_series=True)
            out["mart_refresh"], _ = timed(lambda: refresh_mart(conn))

            def export() -> int:
                params = {"data_version": history.version_id, "cutoff": CUTOFF}
                lines = 0
                with conn.cursor() as cur, cur.copy(bench_sql.statement("export_copy"), params) as copy:
                    for block in copy:
                        lines += bytes(block).count(b"\n")
                conn.rollback()
                return lines

            out["export_training"], out["export_rows"] = timed(export)
        if skip_run:
            out.update(run_read=None, run_engine=None, run_write=None, engine_per_series_ms=None)
            out.update(peak_mb=0.0, peak_detail="not run")
        else:
            out.update(monthly_run(url, folder, workers))
        with connect(url) as conn:
            with conn.transaction(force_rollback=True):  # the fixed-size month, then undone
                out["increment_fixed"], fixed = timed(lambda: load_actuals(conn, paths["july_fixed"]))
            out["increment_month"], month = timed(lambda: load_actuals(conn, paths["july"]))
            assert fixed.version_id and month.version_id, (fixed.message, month.message)
            refresh_mart(conn)
        settings = Settings(database_url=url, workers=workers)
        try:
            with tempfile.TemporaryDirectory() as reports:
                out["report"], _ = timed(lambda: render_month_report(settings, MONTH, out_dir=Path(reports)))
        except Exception as exc:  # noqa: BLE001 - the table says why a stage has no figure
            out["report"] = None
            out["report_error"] = str(exc).splitlines()[0][:120]
    for path in paths.values():
        path.unlink()
    return out


def monthly_run(url: str, folder: Path, workers: int) -> dict[str, Any]:
    """The monthly run in a child process: its read, engine and write, and its peak memory."""
    out: dict[str, Any] = {}
    experiments = folder / "fast.toml"
    experiments.write_text(FAST_EXPERIMENTS, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            url,
            "--workers",
            str(workers),
            "--experiments",
            str(experiments),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    run = json.loads(done.stdout.strip().splitlines()[-1])
    out["run_read"] = run["timings"].get("read")
    out["run_engine"] = run["timings"].get("engine")
    out["run_write"] = run["timings"].get("write")
    out["engine_per_series_ms"] = 1000 * out["run_engine"] / run["series"] if out["run_engine"] else None
    out["peak_mb"] = run["rss_mb"] + run["kids_mb"]
    out["peak_detail"] = f"{run['rss_mb']:.0f} MB + workers {run['kids_mb']:.0f} MB"
    return out


def exponent(xs: list[float], ys: list[float | None]) -> str:
    pairs = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if y]
    if len(pairs) < 2:
        return "—"
    mx = sum(p[0] for p in pairs) / len(pairs)
    my = sum(p[1] for p in pairs) / len(pairs)
    slope = sum((x - mx) * (y - my) for x, y in pairs) / sum((x - mx) ** 2 for x, _ in pairs)
    return f"{slope:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,3,10")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-run", action="store_true", help="no monthly run (engine, memory)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--experiments", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_run(args.child, args.workers, args.experiments)
        return 0
    train = args.data / "train.csv.gz"
    if not train.is_file():
        print(f"bench/scale.py: skipped, {train} is absent (Rossmann train.csv.gz, see ../shared/data)")
        return 0
    admin = server_url()
    scales = [int(s) for s in args.scales.split(",")]
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in scales:
            results[k] = bench_scale(admin, train, Path(tmp), k, args.workers, args.skip_run)
            print(f"x{k}: {json.dumps(results[k], default=str)}", file=sys.stderr, flush=True)
    print(
        f"\nScale bench, Rossmann x {', '.join(map(str, scales))}, one run per scale, "
        f"{os.cpu_count()} cores, "
        f"workers={args.workers}, load average {os.getloadavg()[0]:.1f}, fast experiments\n"
    )
    print(
        "| stage (seconds) | " + " | ".join(f"x{k} ({results[k]['rows']:,} rows)" for k in scales) + " | b |"
    )
    print("|---|" + "---:|" * len(scales) + "---:|")
    rows = [float(results[k]["rows"]) for k in scales]
    for key, label in STAGES:
        values = [results[k].get(key) for k in scales]
        cells = " | ".join("—" if v is None else f"{v:.2f}" for v in values)
        # the fixed-size increment is the same file at every scale: fit it against the history
        print(f"| {label} | {cells} | {exponent(rows, values)} |")
    peaks = " | ".join(f"{results[k]['peak_mb']:,.0f} ({results[k]['peak_detail']})" for k in scales)
    growth = exponent(rows, [results[k]["peak_mb"] for k in scales])
    print(f"| monthly run peak memory, MB | {peaks} | {growth} |")
    for k in scales:
        if results[k].get("report_error"):
            print(f"\nx{k} report: {results[k]['report_error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
