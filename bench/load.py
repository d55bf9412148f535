"""Benchmark of versioned loads on Rossmann train.csv.gz (1,017,209 rows) against raw COPY.

Each run makes throwaway databases on the bench server (``PLANFACT_BENCH_DATABASE_URL``, else
the embedded server) and measures, median of ``--runs`` (default 3):

- raw: ``psql \\copy`` of the same gzip file (``from program 'gzip -dc'``) into an unindexed
  table with the staging types — the baseline (psycopg ``COPY`` of the raw bytes when psql is
  not installed; the table says which);
- full: ``load_actuals`` of the whole history into an empty, migrated database (sha256, the
  file read and checked client-side, series, one binary COPY FREEZE sorted by series and day,
  key and index rebuild, month checksums, commit: the straight path), each run right after a
  raw copy; the ratio is the median of the per-run ratios raw / full;
- increment: ``load_actuals`` of July 2015 (34,565 rows) on top of the history to June 2015;
- re-sent: the whole history sent again, once while it still equals the current data ("already
  loaded" from the file's sha256 and one look at later restatements) and once after a one-row
  restatement of its period (diffed in full and applied again as a new version).

    python bench/load.py [--runs 3] [--data ../shared/data/rossmann]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import queries as bench_sql  # noqa: E402
from servers import server_url, throwaway_database  # noqa: E402

from planfact.actuals import load_actuals  # noqa: E402
from planfact.actuals.source import iter_chunks  # noqa: E402
from planfact.db.migrate import upgrade  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rossmann"




def split_july(train: Path, folder: Path) -> tuple[Path, Path]:
    """History up to June 2015 and July 2015 as two gzip files of the same layout."""
    history, july = folder / "train_to_2015-06.csv.gz", folder / "train_2015-07.csv.gz"
    with gzip.open(train, "rt") as source, gzip.open(history, "wt") as h, gzip.open(july, "wt") as j:
        header = source.readline()
        h.write(header)
        j.write(header)
        for line in source:
            (j if ",2015-07-" in line else h).write(line)
    return history, july


def time_raw(admin: str, train: Path) -> tuple[float, str]:
    with throwaway_database(admin) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            bench_sql.execute(conn, "raw_table")
        psql = shutil.which("psql")
        started = time.perf_counter()
        if psql:
            command = bench_sql.statement("raw_psql_copy").strip().format(train=train)
            subprocess.run([psql, url, "-q", "-v", "ON_ERROR_STOP=1", "-c", command], check=True)
            how = "psql \\copy"
        else:
            with (
                psycopg.connect(url) as conn,
                conn.cursor().copy(bench_sql.statement("raw_copy")) as copy,  # type: ignore[arg-type]
            ):
                for block in iter_chunks(train):
                    copy.write(block)
            how = "psycopg COPY"
        return time.perf_counter() - started, how


def time_load(admin: str, before: list[Path], timed: Path) -> float:
    with throwaway_database(admin) as url:
        upgrade(url)
        with psycopg.connect(url) as conn:
            for path in before:
                load_actuals(conn, path, new_series=True)
            started = time.perf_counter()
            result = load_actuals(conn, timed, new_series=True)
            elapsed = time.perf_counter() - started
        assert result.version_id is not None, result.message
        return elapsed


def time_resend(admin: str, train: Path, folder: Path) -> tuple[float, float]:
    """Seconds to re-send the history: unchanged (already loaded), then after a restatement."""
    with gzip.open(train, "rt") as lines:
        header, first = lines.readline(), lines.readline()
    fields = first.rstrip("\n").split(",")
    fields[3] = str(int(fields[3]) + 1)  # one store-day restated
    restatement = folder / "restated.csv"
    restatement.write_text(header + ",".join(fields) + "\n")
    with throwaway_database(admin) as url:
        upgrade(url)
        with psycopg.connect(url) as conn:
            load_actuals(conn, train, new_series=True)
            started = time.perf_counter()
            same = load_actuals(conn, train)
            unchanged = time.perf_counter() - started
            load_actuals(conn, restatement)
            started = time.perf_counter()
            again = load_actuals(conn, train)
            restated = time.perf_counter() - started
    assert same.already_loaded and again.restated == 1, (same.message, again.message)
    return unchanged, restated


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    train = args.data / "train.csv.gz"
    if not train.is_file():
        print(f"bench/load.py: skipped, {train} is absent (Rossmann train.csv.gz, see ../shared/data)")
        return 0
    admin = server_url()
    rows = 1_017_209
    with tempfile.TemporaryDirectory() as tmp:
        history, july = split_july(train, Path(tmp))
        with gzip.open(july, "rt") as lines:
            july_rows = sum(1 for _ in lines) - 1
        # raw copy and full load paired, one after the other in each run, so the ratio of each
        # pair sees the same machine (2 shared cores: the load of other work moves both)
        raw_times, full_times, ratios, how = [], [], [], ""
        for _ in range(args.runs):
            seconds, how = time_raw(admin, train)
            loaded = time_load(admin, [], train)
            raw_times.append(seconds)
            full_times.append(loaded)
            ratios.append(seconds / loaded)
        raw, full, ratio = (statistics.median(x) for x in (raw_times, full_times, ratios))
        increment = median_of(args.runs, lambda: time_load(admin, [history], july))
        resent = [time_resend(admin, train, Path(tmp)) for _ in range(args.runs)]
        unchanged = statistics.median(r[0] for r in resent)
        restated = statistics.median(r[1] for r in resent)
    print(
        f"\nRossmann train.csv.gz, median of {args.runs} runs, "
        f"PostgreSQL {psycopg.connect(admin).info.server_version}, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| what | rows | seconds | rows/s | vs raw copy | target |")
    print("|---|---:|---:|---:|---:|---|")
    print(
        f"| raw {how} into an unindexed table | {rows:,} | {raw:.2f} | {rows / raw:,.0f} | 1.00 | baseline |"
    )
    print(
        f"| `planfact load actuals`, full history, empty database | {rows:,} | {full:.2f} | "
        f"{rows / full:,.0f} | {ratio:.2f} | >= 0.35 of raw speed |"
    )
    print(
        f"| `planfact load actuals`, July 2015 on top of history to June | {july_rows:,} | {increment:.2f} | "
        f"{july_rows / increment:,.0f} | | < 2 s |"
    )
    print(f"| the history sent again, unchanged (already loaded) | {rows:,} | {unchanged:.2f} | | | — |")
    print(
        f"| the history sent again after a one-row restatement (diffed, applied again) | {rows:,} | "
        f"{restated:.2f} | {rows / restated:,.0f} | | — |"
    )
    print(f"\nper run: raw {_list(raw_times)} s; full {_list(full_times)} s; ratio {_list(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
