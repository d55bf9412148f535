"""``run_demo``: replay months through the same pipeline functions the Airflow DAG calls.

For every step of the feed: stage its files in the landing folder, then
``land_actuals -> prepare_mart -> report_month -> start_forecast -> forecast_shard ->
finalize_forecast`` (planfact.pipeline). Steps whose results the database already holds
are skipped, so a second run resumes where the first stopped and adds nothing; the pipeline
functions are idempotent as well, so a step interrupted midway is simply run again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from planfact.config import Settings
from planfact.db.admin import create_database, drop_database
from planfact.db.connect import connect, shown_url, with_database
from planfact.db.queries import execute, fetch_all, fetch_one
from planfact.db.server import resolve_url
from planfact.demo.feed import DemoFeed, FeedStep, real_feed, synthetic_feed
from planfact.demo.summary import DemoSummary, StepOutcome, psql_command, read_registry, read_reports
from planfact.errors import UsageError
from planfact.hashes import file_sha256

__all__ = ["run_demo", "DEMO_EXPERIMENTS", "LOADED_BY"]

DEMO_EXPERIMENTS = Path(str(resources.files("planfact.demo").joinpath("experiments.toml")))
LOADED_BY = "demo"
DEMO_NOTE = "planfact demo"


def _is_migrated(conn: psycopg.Connection) -> bool:
    row = fetch_one(conn, "demo/is_migrated")
    return bool(row and row[0])


def _note(conn: psycopg.Connection) -> str | None:
    row = fetch_one(conn, "demo/database_note")
    return row[0] if row else None


def _reset(url: str) -> None:
    """Drop and recreate the database of ``url`` if the demo made it (or it holds no data)."""
    name = make_url(url).database
    if not name:
        raise UsageError(f"--reset: the database URL {shown_url(url)} names no database")
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:
        conn = None  # it does not exist yet: nothing to drop
    if conn is not None:
        with conn:
            versions = fetch_all(conn, "demo/loaded_files") if _is_migrated(conn) else []
            if versions and _note(conn) != DEMO_NOTE:
                raise UsageError(
                    f"--reset: refusing to drop {shown_url(url)}: it holds {len(versions)} data versions "
                    "that `planfact demo` did not load; point PLANFACT_DATABASE_URL at a database "
                    "of its own for the demo"
                )
    admin = with_database(url, "postgres")
    drop_database(admin, name)
    create_database(admin, name)


def _check_ownership(conn: psycopg.Connection, feed: DemoFeed, shas: dict[Path, str], url: str) -> None:
    """Refuse a database that holds data other than this feed's; mark a fresh one as the demo's."""
    versions = fetch_all(conn, "demo/loaded_files")
    if not versions:
        with conn.transaction():
            execute(conn, "demo/mark_database")
        return
    hint = "run `planfact demo --reset` to start over (drops and recreates the database)"
    if _note(conn) != DEMO_NOTE:
        raise UsageError(
            f"the database {shown_url(url)} already holds {len(versions)} data versions not loaded by "
            "`planfact demo`; point PLANFACT_DATABASE_URL at an empty database for the demo"
        )
    known = set(shas.values())
    other = [row for row in versions if row[2] not in known]
    if other:
        raise UsageError(
            f"the demo database {shown_url(url)} holds data of another demo feed (e.g. version {other[0][0]} "
            f"from {other[0][1]}); this one is {feed.description}; {hint}"
        )


def _step_done(
    conn: psycopg.Connection, step: FeedStep, shas: dict[Path, str], loaded: set[str]
) -> int | None:
    """The plan run of a step whose results are all in the database, else None."""
    row = fetch_one(
        conn, "demo/step_state", {"forecast_month": step.forecast_month, "closed_month": step.closed_month}
    )
    plan_run, reports = (row[0], int(row[1])) if row else (None, 0)
    actuals = [f for f in step.files if f.name.startswith("actuals_")]
    if plan_run is None or not all(shas[f] in loaded for f in actuals):
        return None
    if step.reports and reports == 0:
        return None
    return int(plan_run)


def _run_step(settings: Settings, step: FeedStep) -> StepOutcome:
    """One monthly step through the pipeline functions, as the DAG runs it."""
    from planfact import pipeline

    timings: dict[str, float] = {}
    started = clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[name] = round(now - clock, 2)
        clock = now

    version = pipeline.land_actuals(settings, step.closed_month, loaded_by=LOADED_BY)
    lap("land")
    pipeline.prepare_mart(settings)
    lap("mart")
    reports = pipeline.report_month(settings, step.closed_month) if step.reports else []
    lap("report")
    run_id = pipeline.start_forecast(settings, step.forecast_month, data_version=version, shard_count=1)
    pipeline.forecast_shard(settings, run_id, 1)
    line = pipeline.finalize_forecast(settings, run_id)
    lap("forecast")
    return StepOutcome(
        label=step.label,
        closed_month=step.closed_month,
        forecast_month=step.forecast_month,
        data_version=version,
        restated=step.restated,
        reports=[str(p) for p in reports],
        plan_run=run_id,
        skipped=False,
        seconds=time.monotonic() - started,
        detail=line,
        timings=timings,
    )


def _demo_settings(settings: Settings, demo_dir: Path) -> Settings:
    update: dict[str, object] = {"landing_dir": demo_dir / "landing"}
    if settings.experiments_file is None:
        update["experiments_file"] = DEMO_EXPERIMENTS
    return settings.model_copy(update=update)


def run_demo(
    settings: Settings,
    *,
    months: int = 6,
    size: str = "small",
    data_dir: Path | None = None,
    reset: bool = False,
    progress: bool = True,
    echo: Callable[[str], None] = print,
) -> DemoSummary:
    """Replay ``months`` months (after the history) on the configured or embedded database.

    Data: generated of ``size`` (tiny, small, large), or a real Kaggle history in ``data_dir``.
    Files go to ``<state_dir>/demo/<name>/``; reports to ``settings.report_dir``. With
    ``reset`` the database is dropped and recreated first (only one the demo made).
    ``progress`` prints one line per step with ``echo``.
    """
    from planfact.db.migrate import upgrade

    say = echo if progress else (lambda _text: None)
    started = time.monotonic()
    name = size if data_dir is None else f"data-{Path(data_dir).resolve().name}"
    demo_dir = settings.state_dir / "demo" / name
    if data_dir is None:
        feed = synthetic_feed(demo_dir, size=size, months=months)
    else:
        feed = real_feed(demo_dir, Path(data_dir), months=months)
    shas = {path: file_sha256(path) for step in feed.steps for path in step.files}
    say(f"data: {feed.description}")
    say(f"      feed files in {feed.feed_dir} ({time.monotonic() - started:.1f} s)")
    settings = _demo_settings(settings, demo_dir)

    url = resolve_url(settings)
    if reset:
        _reset(url)
        feed.clear_landing(settings.landing_dir)
        say(f"reset: dropped and recreated {shown_url(url)}")
    upgrade(url)
    where = "embedded PostgreSQL, " if settings.database_url is None else ""
    say(f"database: {where}{shown_url(url)}, migrated")
    with connect(url, autocommit=True) as conn:
        _check_ownership(conn, feed, shas, url)

    outcomes: list[StepOutcome] = []
    for step in feed.steps:
        with connect(url, autocommit=True) as conn:
            loaded = {row[2] for row in fetch_all(conn, "demo/loaded_files")}
            done = _step_done(conn, step, shas, loaded)
        if done is not None:
            outcome = StepOutcome.resumed(step, done)
        else:
            feed.stage_until(step, settings.landing_dir)
            outcome = _run_step(settings, step)
            with connect(url, autocommit=True) as conn:
                outcome = outcome.with_run(fetch_one(conn, "demo/run_line", {"run_id": outcome.plan_run}))
        outcomes.append(outcome)
        say(outcome.line())

    with connect(url, autocommit=True) as conn:
        registry = read_registry(conn)
        reports = read_reports(conn)
    return DemoSummary(
        description=feed.description,
        database=shown_url(url),
        psql=psql_command(url, settings),
        feed_dir=feed.feed_dir,
        landing_dir=settings.landing_dir,
        experiments=settings.experiments_file,
        steps=outcomes,
        registry=registry,
        reports=reports,
        seconds=time.monotonic() - started,
    )

