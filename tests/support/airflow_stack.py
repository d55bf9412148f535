"""A real Airflow 3 deployment in subprocesses: api-server, scheduler, dag-processor (and a Celery
worker), metadata in PostgreSQL, on free local ports; what airflow/README.md's plain-process
install runs, for the end-to-end tests.

Every component runs in its own session (process group) so that stopping it also stops what it
started (LocalExecutor workers, task processes). The metadata database is read directly with
psycopg (fast polling); the ``airflow`` command line is used for what an operator types.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from support import ROOT

__all__ = ["AirflowStack", "free_port", "worker_hostname"]

DAGS = ROOT / "airflow" / "dags"
AIRFLOW = [sys.executable, "-m", "airflow"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_hostname() -> str:
    """(Airflow's ``hostname_callable`` in the Celery worker) the name the test gave the worker."""
    return os.environ.get("PLANFACT_TEST_WORKER_NAME") or socket.getfqdn()


def _sqlalchemy(url: str, driver: str) -> str:
    return make_url(url).set(drivername=driver).render_as_string(hide_password=False)


@dataclass
class AirflowStack:
    """One Airflow deployment; ``metadata_url`` is a libpq URL of an empty database."""

    home: Path
    metadata_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    executor: str = "LocalExecutor"
    broker_url: str | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    api_port: int = field(default_factory=free_port)

    def env(self, **more: str) -> dict[str, str]:
        """The environment every component and CLI call gets (the same secrets everywhere)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PLANFACT_"))}
        api = f"http://127.0.0.1:{self.api_port}"
        env.update(
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__EXECUTOR=self.executor,
            AIRFLOW__CORE__PARALLELISM="4",
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{api}/execution/",
            AIRFLOW__CORE__FERNET_KEY=self._secret("fernet"),
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=_sqlalchemy(self.metadata_url, "postgresql+psycopg"),
            # Airflow 3.3 derives an async URL needing asyncpg unless told which async driver to use.
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC=_sqlalchemy(
                self.metadata_url, "postgresql+psycopg_async"),
            AIRFLOW__API__HOST="127.0.0.1",
            AIRFLOW__API__PORT=str(self.api_port),
            AIRFLOW__API__BASE_URL=api,
            # Generated per stack, shared by every component (what a deployment's .env does).
            AIRFLOW__API__SECRET_KEY=self._secret("api"),  # pragma: allowlist secret (generated)
            AIRFLOW__API_AUTH__JWT_SECRET=self._secret("jwt"),  # pragma: allowlist secret (generated)
            AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(self._port("logs")),
            AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT=str(self._port("health")),
            AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK="False",
            AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
            AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
            AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL="5",
            AIRFLOW__LOGGING__LOGGING_LEVEL="INFO",
            PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]),
        )
        if self.broker_url:
            env.update(
                AIRFLOW__CELERY__BROKER_URL=self.broker_url,
                AIRFLOW__CELERY__RESULT_BACKEND="db+" + _sqlalchemy(self.metadata_url, "postgresql+psycopg"),
                AIRFLOW__CELERY__WORKER_CONCURRENCY="2",
            )
        env.update(self.extra_env)
        env.update(more)
        return env

    _generated: dict[str, str] = field(default_factory=dict)
    _ports: dict[str, int] = field(default_factory=dict)

    def _secret(self, name: str) -> str:
        if name == "fernet":
            from cryptography.fernet import Fernet

            return self._generated.setdefault(name, Fernet.generate_key().decode())
        return self._generated.setdefault(name, secrets.token_urlsafe(32))  # pragma: allowlist secret

    def _port(self, name: str) -> int:
        return self._ports.setdefault(name, free_port())

    def airflow(
        self, *args: str, timeout: float = 180, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run one ``airflow`` command as an operator would."""
        self.home.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([*AIRFLOW, *args], env=self.env(), capture_output=True, text=True,
                              timeout=timeout, cwd=self.home)
        if check:
            output = f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
            assert done.returncode == 0, f"airflow {' '.join(args)}: {output}"
        return done

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen:
        """Start one component (``api-server``, ``scheduler``, ...) in its own process group."""
        log = (self.home / f"{name}.log").open("ab")
        process = subprocess.Popen([*AIRFLOW, *args], env=self.env(**env), stdout=log,
                                   stderr=subprocess.STDOUT, cwd=self.home, start_new_session=True)
        self.processes[name] = process
        return process

    def component_log(self, name: str) -> str:
        path = self.home / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        """Fail with the component's log tail when one of them died."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"airflow {name} exited with {process.returncode}:\n"
                                     f"{self.component_log(name)[-4000:]}")

    def wait_for_api(self, timeout: float = 120) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/api/v2/version", timeout=2):
                    return
            except OSError:
                assert time.monotonic() < deadline, "the api-server did not answer"
                time.sleep(0.5)

    def stop(self) -> dict[str, int | None]:
        """SIGTERM every component's process group, SIGKILL what is left after 20 s."""
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)  # stragglers in the group (task processes)
            if process.poll() is None:
                process.wait(timeout=10)
        return {name: p.returncode for name, p in self.processes.items()}

    # --- the metadata database ---------------------------------------------------------------

    @contextmanager
    def metadata(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.metadata_url, autocommit=True) as conn:
            yield conn

    def query(self, sql: str, *params: Any) -> list[tuple]:
        with self.metadata() as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def runs(self) -> dict[str, str]:
        """Logical month (or the run id of a run without one) -> state of every DAG run."""
        rows = self.query("select run_id, logical_date, state from dag_run where dag_id = 'planfact_monthly'")
        return {(f"{ld:%Y-%m}" if ld else run_id): state for run_id, ld, state in rows}

    def tasks(self, month: str) -> list[dict[str, Any]]:
        """The task instances of the DAG run of ``month`` (its logical date's month)."""
        rows = self.query(
            "select ti.task_id, ti.map_index, ti.state, ti.try_number, ti.hostname, ti.pid, ti.id "
            "from task_instance as ti join dag_run as dr on dr.dag_id = ti.dag_id and dr.run_id = ti.run_id "
            "where ti.dag_id = 'planfact_monthly' and to_char(dr.logical_date, 'YYYY-MM') = %s "
            "order by ti.task_id, ti.map_index", month)
        keys = ("task_id", "map_index", "state", "try_number", "hostname", "pid", "id")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def wait(self, what: str, done: Callable[[], Any], timeout: float, every: float = 0.5) -> Any:
        """Poll ``done`` until it returns something true; the components must stay alive."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            value = done()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; "
                                     f"runs: {self.runs()}")
            time.sleep(every)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
