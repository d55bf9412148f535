"""The monthly DAG under a real Airflow 3 scheduler, as deployed without Docker.

api-server, scheduler and dag-processor run as subprocesses on free local ports, Airflow's
metadata lives in a throwaway database of the test PostgreSQL server, planfact's data in
another; the landing folder holds small generated monthly files. LocalExecutor leg:

0. the start-up of airflow/README.md: ``airflow dags reserialize`` then ``airflow dags unpause``
   before the components start: the DAG is unpaused (no "No paused DAGs were found");
1. catch-up Feb..Mar 2015 (2 shards each): every month succeeds unattended;
2. April's landing file is malformed: the run fails at land_actuals on its first try, nothing
   is written, and the schedule pauses (no later month starts); a good file, ``airflow tasks
   clear`` and ``airflow dags unpause`` recover it; while April runs, May (not reached by the
   schedule) is triggered with ``--logical-date 2015-05-01T00:00:00+00:00`` as the docs say;
3. May, that manual run: one shard's task process is killed with SIGKILL mid-write; Airflow
   retries it (the lease sweep fails the dead shard first) and the month succeeds, for May
   (Airflow 3.3 stored the trigger time's interval); the schedule goes on with June;
4. a manual trigger without a logical date fails within one try with planfact's message;
5. March again, as airflow/README.md says: triggering it is refused (it has a run),
   ``airflow tasks clear`` of its run re-runs it for March, changing nothing in the registry.

The registry (data versions, plans of record, report files against their sha256) is checked
after each step, and every component is shut down. Celery leg (when a broker answers):
CeleryExecutor and an ``airflow celery worker`` subprocess; the shard tasks ran on it.
"""

from __future__ import annotations

import gzip
import os
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from planfact.db.admin import throwaway_database
from planfact.hashes import file_sha256
from support import FIXTURES
from support.airflow_stack import AirflowStack

pytestmark = pytest.mark.slow

EXPERIMENTS = FIXTURES / "pipeline_experiments.toml"
MONTH_TIMEOUT = 240  # seconds one month may take on a busy 2-core machine


@pytest.fixture
def metadata_url(server_url: str) -> Iterator[str]:
    """A throwaway database for Airflow's metadata on the test server."""
    with throwaway_database(server_url, "airflow_meta") as url:
        yield url


def _landing(folder: Path) -> dict[str, Any]:
    """Reference data, Jan-Feb as one backlog named for February, then March to June."""
    from planfact.demo.synthetic import generate
    from planfact.demo.synthetic.files import write_history, write_month_files, write_reference_files

    data = generate("tiny", seed=11, start="2015-01-01", end="2015-06-30")
    write_reference_files(data, folder)
    write_history(data, folder, before="2015-03-01")
    months = ("2015-03", "2015-04", "2015-05", "2015-06")
    files = {month: write_month_files(data, folder, month) for month in months}
    return {"april": files["2015-04"].actuals}


def _registry(url: str) -> dict[str, Any]:
    """What the registry holds; every registered report file checked against its sha256."""
    with psycopg.connect(url) as conn:
        versions = conn.execute("select count(*) from core.data_version").fetchone()
        plans = dict(conn.execute("select to_char(target_month, 'YYYY-MM'), run_id "
                                  "from forecast.plan_of_record").fetchall())
        runs = conn.execute("select run_id, to_char(target_month, 'YYYY-MM'), status, shard_count "
                            "from forecast.run order by run_id").fetchall()
        reports = conn.execute("select to_char(target_month, 'YYYY-MM'), path, sha256 "
                               "from forecast.report order by report_id").fetchall()
        shards = conn.execute("select run_id, shard_index, status, error from forecast.run_shard "
                              "order by 1, 2").fetchall()
    valid = [Path(p).is_file() and file_sha256(Path(p)) == sha.strip() for _m, p, sha in reports]
    return {"versions": versions[0] if versions else 0, "plans": plans, "runs": runs,
            "report_months": sorted({m for m, _p, _s in reports}), "reports_valid": valid, "shards": shards}


def _stack(home: Path, metadata_url: str, db_url: str, landing: Path, **extra: str) -> AirflowStack:
    return AirflowStack(home=home, metadata_url=metadata_url, extra_env={
        "PLANFACT_DATABASE_URL": db_url,
        "PLANFACT_LANDING_DIR": str(landing),
        "PLANFACT_REPORT_DIR": str(home / "reports"),
        "PLANFACT_STATE_DIR": str(home / "state"),
        "PLANFACT_EXPERIMENTS_FILE": str(EXPERIMENTS),
        "PLANFACT_WORKERS": "1",
        "PLANFACT_SHARDS": "2",
        "PLANFACT_DAG_START_DATE": "2015-02-01",
        "PLANFACT_SENSOR_POKE_MINUTES": "0.05",
        "PLANFACT_RETRY_DELAY_MINUTES": "0.05",
        "PLANFACT_LOG_LEVEL": "INFO",
        "PLANFACT_LOG_FORMAT": "json",
        **extra,
    })


def _boot(stack: AirflowStack, *workers: tuple[str, ...]) -> None:
    """airflow/README.md's start-up: migrate, put the DAG in the database, unpause, start."""
    stack.airflow("db", "migrate", timeout=600)
    stack.airflow("dags", "reserialize")
    unpaused = stack.airflow("dags", "unpause", "planfact_monthly")
    assert "No paused DAGs were found" not in unpaused.stdout + unpaused.stderr
    assert stack.query("select is_paused from dag where dag_id = 'planfact_monthly'") == [(False,)]
    stack.start("api-server", "api-server")
    stack.start("dag-processor", "dag-processor")
    stack.start("scheduler", "scheduler")
    for worker in workers:
        stack.start(worker[0], *worker[1:])
    stack.wait_for_api()
    stack.wait("the DAG parsed", lambda: stack.query(
        "select 1 from dag where dag_id = 'planfact_monthly' and not is_stale"), 180)


class Timeline:
    """month -> state -> seconds since the schedule started (the issue's closing note)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.rows: list[tuple[str, str, float]] = []
        self.seen: dict[str, str] = {}

    def watch(self, stack: AirflowStack) -> dict[str, str]:
        runs = stack.runs()
        for month, state in runs.items():
            if self.seen.get(month) != state:
                self.seen[month] = state
                self.rows.append((month, state, round(time.monotonic() - self.t0, 1)))
        return runs

    def until(self, stack: AirflowStack, month: str, states: set[str], timeout: float = MONTH_TIMEOUT) -> str:
        return stack.wait(f"{month} to be {'/'.join(states)}",
                          lambda: (s := self.watch(stack).get(month)) in states and s, timeout)

    def __str__(self) -> str:
        return "\n".join(f"{m:>12}  {s:<8} {t:7.1f} s" for m, s, t in self.rows)


def _task_log(stack: AirflowStack, month: str, task_id: str, attempts: str = "*") -> str:
    """The log of ``task_id`` in the run of ``month`` (its logical date's month), every attempt
    or those matching ``attempts`` (``"2"``)."""
    ((run_id,),) = stack.query("select run_id from dag_run where dag_id = 'planfact_monthly' "
                               "and to_char(logical_date, 'YYYY-MM') = %s", month)
    folder = stack.home / "logs" / "dag_id=planfact_monthly" / f"run_id={run_id}"
    logs = sorted((folder / f"task_id={task_id}").rglob(f"attempt={attempts}.log"))
    return "\n".join(p.read_text(errors="replace") for p in logs)


def _run_types(stack: AirflowStack, month: str) -> list[str]:
    """How each run of ``month`` (its logical date's month) was made: scheduled, manual..."""
    return [r[0] for r in stack.query("select run_type from dag_run where dag_id = 'planfact_monthly' "
                                      "and to_char(logical_date, 'YYYY-MM') = %s", month)]


def _kill_one_shard_mid_write(stack: AirflowStack, db_url: str, month: str) -> int:
    """Hold the forecast table so the shards of ``month`` block inside their write transaction,
    SIGKILL the task process of one of them, then let the other go on. Returns the pid."""
    with psycopg.connect(db_url) as lock:
        lock.execute("lock table forecast.forecast_value in share mode")

        def blocked() -> Any:
            with psycopg.connect(db_url, autocommit=True) as conn:
                row = conn.execute("select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                                   "and query ilike '%%copy forecast.forecast_value%%'").fetchone()
            shards = [t for t in stack.tasks(month) if t["task_id"] == "forecast_shard"
                      and t["state"] == "running" and t["pid"]]
            return row and row[0] >= 1 and shards

        shards = stack.wait(f"a shard of {month} writing", blocked, MONTH_TIMEOUT)
        victim = shards[0]["pid"]
        os.kill(victim, signal.SIGKILL)
        time.sleep(1)
        lock.rollback()
    return int(victim)


def test_monthly_dag_under_the_real_scheduler(
    tmp_path: Path, metadata_url: str, db_url: str
) -> None:
    landing = tmp_path / "landing"
    files = _landing(landing)
    good_april = files["april"].read_bytes()
    files["april"].write_bytes(gzip.compress(b"Store,Date,Sales\n1,2015-04-01,not a number\n"))
    stack = _stack(tmp_path / "airflow", metadata_url, db_url, landing, PLANFACT_DAG_END_DATE="2015-06-01")
    timeline = Timeline()
    try:
        _boot(stack)  # unpaused: the schedule starts with the scheduler

        # 1. catch-up: February (the backlog; no plan of record before it, so no report), March.
        assert timeline.until(stack, "2015-02", {"success", "failed"}) == "success"
        feb = _registry(db_url)
        assert feb["versions"] == 1 and feb["plans"].keys() == {"2015-03"} and feb["report_months"] == []
        assert timeline.until(stack, "2015-03", {"success", "failed"}) == "success"
        mar = _registry(db_url)
        assert mar["versions"] == 3  # March's actuals and April's plan
        assert mar["plans"].keys() == {"2015-03", "2015-04"}
        assert mar["report_months"] == ["2015-03"] and mar["reports_valid"] == [True, True]
        assert {r[3] for r in mar["runs"]} == {2} and {r[2] for r in mar["runs"]} == {"succeeded"}
        landed = _task_log(stack, "2015-03", "land_actuals")
        assert '"month":"2015-03"' in landed.replace(" ", "") and '"newest"' in landed  # planfact's fields
        shard_log = _task_log(stack, "2015-03", "forecast_shard")
        assert "shard written" in shard_log and "it/s" not in shard_log  # no progress bars in task logs

        # 2. a malformed April file: failed at land_actuals on its first try, nothing written.
        assert timeline.until(stack, "2015-04", {"success", "failed"}) == "failed"
        april = {t["task_id"]: t for t in stack.tasks("2015-04")}
        assert april["land_actuals"]["state"] == "failed" and april["land_actuals"]["try_number"] == 1
        assert april["start_forecast"]["state"] == "upstream_failed"
        assert "actuals_2015-04.csv.gz" in _task_log(stack, "2015-04", "land_actuals")
        assert _registry(db_url) == mar
        assert stack.query("select is_paused from dag where dag_id = 'planfact_monthly'") == [(True,)]
        assert "2015-05" not in stack.runs()  # the schedule stopped at the failed month
        files["april"].write_bytes(good_april)
        stack.airflow("tasks", "clear", "planfact_monthly", "-s", "2015-04-01", "-e", "2015-04-01", "-y")
        stack.airflow("dags", "unpause", "planfact_monthly")
        # May, which the schedule has not reached, triggered by its logical date as the docs say
        # (while April runs: the only run slot is taken, so the scheduler makes no May run of its own).
        timeline.until(stack, "2015-04", {"running"})
        stack.airflow("dags", "trigger", "planfact_monthly", "--logical-date", "2015-05-01T00:00:00+00:00")
        assert timeline.until(stack, "2015-04", {"success", "failed"}) == "success"
        apr = _registry(db_url)
        assert apr["versions"] == 5 and apr["plans"].keys() == {"2015-03", "2015-04", "2015-05"}
        assert apr["report_months"] == ["2015-03", "2015-04"] and all(apr["reports_valid"])

        # 3. May (the manual run): one shard killed with SIGKILL mid-write, retried by Airflow; the
        # month succeeds for May (Airflow 3.3 stored the interval of the trigger time: not used).
        timeline.until(stack, "2015-05", {"running"})
        _kill_one_shard_mid_write(stack, db_url, "2015-05")
        assert timeline.until(stack, "2015-05", {"success", "failed"}) == "success"
        assert _run_types(stack, "2015-05") == ["manual"]
        shards = [t for t in stack.tasks("2015-05") if t["task_id"] == "forecast_shard"]
        assert sorted(t["try_number"] for t in shards) == [1, 2]  # the killed one ran again
        assert {t["state"] for t in shards} == {"success"}
        may = _registry(db_url)
        assert may["plans"].keys() == {"2015-03", "2015-04", "2015-05", "2015-06"}
        june_run = may["plans"]["2015-06"]
        assert [r[2] for r in may["runs"] if r[0] == june_run] == ["succeeded"]
        assert all(s[2] == "succeeded" for s in may["shards"] if s[0] == june_run)
        assert may["report_months"] == ["2015-03", "2015-04", "2015-05"] and all(may["reports_valid"])
        assert len(may["runs"]) == 4 and {r[2] for r in may["runs"]} == {"succeeded"}
        assert '"month":"2015-05"' in _task_log(stack, "2015-05", "land_actuals").replace(" ", "")

        # The schedule goes on after the manual May with June (not after the trigger time's month).
        assert timeline.until(stack, "2015-06", {"success", "failed"}) == "success"
        assert _run_types(stack, "2015-06") == ["scheduled"]
        june = _registry(db_url)
        assert june["plans"].keys() == {"2015-03", "2015-04", "2015-05", "2015-06", "2015-07"}
        assert june["report_months"] == ["2015-03", "2015-04", "2015-05", "2015-06"]
        assert all(june["reports_valid"])

        # 4. a manual trigger without a logical date: failed on its first try, with planfact's message.
        stack.airflow("dags", "trigger", "planfact_monthly")
        manual = stack.wait("the manual run to end", lambda: [
            (run_id, state) for run_id, state in timeline.watch(stack).items()
            if run_id.startswith("manual__") and state in ("success", "failed")], 180)
        assert manual[0][1] == "failed"
        tries = stack.query("select task_id, state, try_number from task_instance where run_id = %s "
                            "and state = 'failed'", manual[0][0])
        assert tries == [("wait_for_actuals", "failed", 1)]
        folder = next((stack.home / "logs" / "dag_id=planfact_monthly").glob(f"run_id={manual[0][0]}"))
        text = "\n".join(p.read_text() for p in folder.rglob("*.log"))
        assert "no logical date (a manual trigger without --logical-date)" in text
        assert _registry(db_url) == june

        # 5. March again: a month with a run cannot be triggered (Airflow's unique logical date);
        # clearing its run as the docs say (and unpausing: step 4's failure paused the schedule)
        # runs it again for March, changing nothing.
        refused = stack.airflow("dags", "trigger", "planfact_monthly", "--logical-date",
                                "2015-03-01T00:00:00+00:00", check=False)
        assert refused.returncode != 0
        assert "dag_run_dag_id_logical_date_key" in refused.stdout + refused.stderr
        stack.airflow("tasks", "clear", "planfact_monthly", "-s", "2015-03-01", "-e", "2015-03-01", "-y")
        stack.airflow("dags", "unpause", "planfact_monthly")
        assert timeline.until(stack, "2015-03", {"success", "failed"}) == "success"
        march = {t["task_id"]: t for t in stack.tasks("2015-03")}
        assert march["land_actuals"]["try_number"] == 2 and march["notify"]["try_number"] == 2
        again = _task_log(stack, "2015-03", "land_actuals", attempts="2").replace(" ", "")
        assert '"month":"2015-03"' in again  # the second try handled March
        assert _registry(db_url) == june
    finally:
        codes = stack.stop()
        print(f"\ntimeline (LocalExecutor):\n{timeline}")
    assert all(p.poll() is not None for p in stack.processes.values()), codes


def _broker() -> str | None:
    """PLANFACT_TEST_BROKER_URL, else Redis on 127.0.0.1:6379 when it answers."""
    given = os.environ.get("PLANFACT_TEST_BROKER_URL")
    if given:
        return given
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/15"
    except OSError:
        pass
    return None


def test_shards_run_on_a_celery_worker(tmp_path: Path, metadata_url: str, db_url: str) -> None:
    broker = _broker()
    if broker is None:
        pytest.skip("no Celery broker: set PLANFACT_TEST_BROKER_URL or run Redis on 127.0.0.1:6379")
    landing = tmp_path / "landing"
    _landing(landing)
    queue = f"planfact-test-{uuid.uuid4().hex[:8]}"  # other tests on the same broker never take ours
    worker = f"celery-worker-{uuid.uuid4().hex[:6]}"
    stack = _stack(tmp_path / "airflow", metadata_url, db_url, landing, PLANFACT_DAG_END_DATE="2015-03-01",
                   AIRFLOW__OPERATORS__DEFAULT_QUEUE=queue)
    stack.executor, stack.broker_url = "CeleryExecutor", broker
    timeline = Timeline()
    try:
        _boot(stack)
        stack.start("celery-worker", "celery", "worker", "--queues", queue, "--concurrency", "2",
                    AIRFLOW__CORE__HOSTNAME_CALLABLE="support.airflow_stack.worker_hostname",
                    PLANFACT_TEST_WORKER_NAME=worker)
        assert timeline.until(stack, "2015-02", {"success", "failed"}) == "success"
        assert timeline.until(stack, "2015-03", {"success", "failed"}) == "success"
        for month in ("2015-02", "2015-03"):
            tasks = stack.tasks(month)
            shards = [t for t in tasks if t["task_id"] == "forecast_shard"]
            assert len(shards) == 2 and {t["hostname"] for t in shards} == {worker}, shards
            assert {t["hostname"] for t in tasks} == {worker}  # every task went through the broker
        registry = _registry(db_url)
        assert registry["plans"].keys() == {"2015-03", "2015-04"} and all(registry["reports_valid"])
        assert registry["report_months"] == ["2015-03"]
    finally:
        stack.stop()
        print(f"\ntimeline (CeleryExecutor):\n{timeline}")
