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

``--breakdown`` times instead where the full load's time goes, phase by phase (the loader's
``planfact.stopwatch`` laps: sha256, gunzip, CSV parse, value checks, sort with the duplicate
and frequency tests, series ids, encode + COPY, each key, index and foreign key rebuilt,
analyze, month checksums, commit), with three clocks per phase: wall, this process's CPU and
the server's CPU (its backend and the parallel workers it spawned, read from /proc: only for a
server on this machine, and on a server nobody else uses, as the embedded one; else "n/a").
The raw copy is timed the same way beside it. Median of ``--runs`` per phase.

    python bench/load.py [--runs 3] [--data ../shared/data/rossmann] [--breakdown]
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
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
from planfact.stopwatch import recording  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rossmann"
SETTLE = 0.5  # seconds for an ended server session to be reaped (its CPU counted)




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
        started = time.perf_counter()
        how = time_raw_in(url, train)
        return time.perf_counter() - started, how


def time_raw_in(url: str, train: Path) -> str:
    """Copy ``train`` into the database's raw_train table; returns how."""
    psql = shutil.which("psql")
    if psql:
        command = bench_sql.statement("raw_psql_copy").strip().format(train=train)
        subprocess.run([psql, url, "-q", "-v", "ON_ERROR_STOP=1", "-c", command], check=True)
        return "psql \\copy"
    with (
        psycopg.connect(url) as conn,
        conn.cursor().copy(bench_sql.statement("raw_copy")) as copy,  # type: ignore[arg-type]
    ):
        for block in iter_chunks(train):
            copy.write(block)
    return "psycopg COPY"


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


def server_cpu(conn: psycopg.Connection) -> Callable[[], float] | None:
    """CPU seconds of ``conn``'s server backend plus the children its postmaster has reaped
    (parallel workers, and any other session that ended: hence a server of the bench's own),
    or None when the server does not run on this machine."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    backend = conn.info.backend_pid
    try:
        postmaster = int(fields(backend)[1])
        fields(postmaster)
    except (OSError, IndexError, ValueError):
        return None

    def clock() -> float:
        own, reaped = fields(backend), fields(postmaster)
        return (int(own[11]) + int(own[12]) + int(reaped[13]) + int(reaped[14])) / tick

    return clock


def _own_and_children_cpu() -> float:
    """CPU seconds of this process and its ended children (psql, gzip)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + usage.ru_utime + usage.ru_stime


def _clocks(conn: psycopg.Connection, client: Callable[[], float]) -> dict[str, Callable[[], float]]:
    clocks = {"client cpu": client}
    server = server_cpu(conn)
    if server is not None:
        clocks["server cpu"] = server
    return clocks


def breakdown_run(admin: str, train: Path) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """One raw copy and one full load into an empty database: the raw copy's seconds per clock,
    and the load's seconds per phase and clock."""
    with throwaway_database(admin) as url, psycopg.connect(url, autocommit=True) as conn:
        bench_sql.execute(conn, "raw_table")
        clocks = {"wall": time.perf_counter, **_clocks(conn, _own_and_children_cpu)}
        before = {name: clock() for name, clock in clocks.items()}
        time_raw_in(url, train)
        wall = time.perf_counter() - before["wall"]
        time.sleep(SETTLE)  # psql's server session ends after psql: wait until it is reaped
        raw = {name: clock() - before[name] for name, clock in clocks.items()}
        raw["wall"] = wall
    with throwaway_database(admin) as url:
        upgrade(url)
        time.sleep(SETTLE)  # (the migration's sessions reaped before the server clock starts)
        with psycopg.connect(url) as conn, recording(_clocks(conn, time.process_time)) as load:
            result = load_actuals(conn, train, new_series=True)
        assert result.version_id is not None, result.message
    return raw, load.laps


def print_breakdown(runs: list[tuple[dict[str, float], dict[str, dict[str, float]]]]) -> None:
    """The median of each phase on each clock, the totals, the raw copy and the ratio per run."""
    phases = list(dict.fromkeys(phase for _raw, laps in runs for phase in laps))
    clocks = list(dict.fromkeys(c for _raw, laps in runs for lap in laps.values() for c in lap))
    totals = [{c: sum(lap[c] for lap in laps.values()) for c in clocks} for _raw, laps in runs]
    raws = [raw for raw, _laps in runs]

    def row(what: str, values: list[dict[str, float]], share: str = "") -> str:
        cells = [
            f"{statistics.median(v[c] for v in values):.2f}" if all(c in v for v in values) else "n/a"
            for c in ("wall", "client cpu", "server cpu")
        ]
        return f"| {what} | {cells[0]} | {share} | {cells[1]} | {cells[2]} |"

    whole = statistics.median(t["wall"] for t in totals)
    print("| phase of the full load | wall s | share of the wall | client CPU s | server CPU s |")
    print("|---|---:|---:|---:|---:|")
    for phase in phases:
        laps = [found[phase] for _raw, found in runs if phase in found]
        print(row(phase, laps, f"{statistics.median(lap['wall'] for lap in laps) / whole:.0%}"))
    print(row("**total**", totals, "100%"))
    print(row("raw copy into an unindexed table (baseline; client CPU: psql and gzip)", raws))
    ratios = [raw["wall"] / total["wall"] for raw, total in zip(raws, totals, strict=True)]
    print(f"\nratio raw / full per run: {_list(ratios)}; median {statistics.median(ratios):.2f}")


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
    parser.add_argument("--breakdown", action="store_true", help="time the full load phase by phase")
    args = parser.parse_args()
    train = args.data / "train.csv.gz"
    if not train.is_file():
        print(f"bench/load.py: skipped, {train} is absent (Rossmann train.csv.gz, see ../shared/data)")
        return 0
    admin = server_url()
    if args.breakdown:
        runs = [breakdown_run(admin, train) for _ in range(args.runs)]
        version = psycopg.connect(admin).info.server_version
        print(
            f"\nfull load of Rossmann train.csv.gz (1,017,209 rows) by phase, median of {args.runs} runs, "
            f"PostgreSQL {version}, load average {os.getloadavg()[0]:.1f}\n"
        )
        print_breakdown(runs)
        return 0
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
