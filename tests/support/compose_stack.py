"""The deployment under test: a Docker engine, a Jenkins workspace and the deployment's env file.

``tests/e2e/test_compose_stack.py`` drives it: the Jenkinsfile's stages (``support.jenkins``), the
operator's ``make`` targets, and reads of the stack (psql inside the database container, files in
the volumes through the scheduler container). The compose project is ``PROJECT``.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import ROOT
from support.airflow_stack import free_port
from support.docker_engine import Engine
from support.jenkins import pipeline_environment, run_stage, stages

__all__ = ["LANDING", "PROJECT", "Deployment", "make", "registry", "settings", "teardown"]

PROJECT = "planfactci"  # the compose project (COMPOSE_PROJECT_NAME of the Jenkins agent)
MONTH_TIMEOUT = 300  # seconds one month may take on a busy 2-core machine
LANDING = "/srv/planfact/landing"


@dataclass
class Deployment:
    """The engine, the Jenkins workspace and the deployment's env file (the credential)."""

    engine: Engine
    home: Path
    images: dict[str, str]
    settings: dict[str, str]
    timeline: list[tuple[str, float]] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    build: int = 0

    @property
    def workspace(self) -> Path:
        return self.home / "workspace"

    @property
    def scm(self) -> Path:
        return self.home / "scm"

    def env_file(self) -> str:
        return "".join(f"{k}={v}\n" for k, v in self.settings.items())

    def mark(self, phase: str, start: float) -> None:
        self.timeline.append((phase, round(time.monotonic() - start, 1)))

    def compose(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """The compose command `make deploy` uses, with the env file, from the workspace."""
        path = self.home / "compose.env"
        path.write_text(self.env_file())
        plugin = self.engine.run("docker", "compose", "version", check=False).returncode == 0
        command = ["docker", "compose"] if plugin else ["docker-compose"]
        return self.engine.run(
            *command,
            "--project-name",
            PROJECT,
            "--env-file",
            str(path),
            *args,
            cwd=self.workspace,
            check=check,
        )

    def container(self, service: str) -> str:
        ids = self.engine.docker(
            "ps",
            "-q",
            "--filter",
            f"label=com.docker.compose.project={PROJECT}",
            "--filter",
            f"label=com.docker.compose.service={service}",
        ).split()
        assert len(ids) == 1, f"{service}: {ids}"
        return ids[0]

    def exec(self, service: str, *command: str, check: bool = True) -> str:
        done = self.engine.run("docker", "exec", self.container(service), *command, check=check)
        return done.stdout

    def psql(self, database: str, sql: str) -> list[list[str]]:
        """Rows of ``sql`` run by psql inside the database container."""
        out = self.exec(
            "postgres",
            "psql",
            "-U",
            "postgres",
            "-d",
            database,
            "-AtX",
            "-F",
            "\t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        )
        return [line.split("\t") for line in out.splitlines() if line]

    def runs(self) -> dict[str, str]:
        rows = self.psql(
            "airflow",
            "select to_char(logical_date, 'YYYY-MM'), state from dag_run where dag_id = 'planfact_monthly'",
        )
        return dict((row[0], row[1]) for row in rows)

    def wait(self, what: str, probe: Callable[[], Any], timeout: float = MONTH_TIMEOUT) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = probe()
            except AssertionError:  # the database container restarting, say
                value = None
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(2)

    def month(self, month: str) -> str:
        """Wait for the DAG run of ``month`` to end; its state."""
        return str(
            self.wait(f"{month} to end", lambda: (s := self.runs().get(month)) in ("success", "failed") and s)
        )

    def land(self, *names: str) -> None:
        """Move generated files into the landing folder (a rename: the DAG never sees half a file)."""
        self.exec(
            "airflow-scheduler",
            "sh",
            "-c",
            " && ".join(f"mv {LANDING}/incoming/{n} {LANDING}/{n}" for n in names),
        )

    def jenkins_build(self) -> dict[str, float]:
        """One build of the Jenkinsfile: every stage in order (Test: see the module docstring)."""
        self.build += 1
        jenkinsfile = self.workspace / "Jenkinsfile" if self.workspace.exists() else ROOT / "Jenkinsfile"
        env = {
            **self.engine.env,
            **pipeline_environment(jenkinsfile),
            "WORKSPACE": str(self.workspace),
            "JOB_NAME": "planfact-deploy",
            "BUILD_NUMBER": str(self.build),
            "BUILD_ID": str(self.build),
            "BUILD_TAG": f"jenkins-planfact-deploy-{self.build}",
            "NODE_NAME": "built-in",
            "JENKINS_URL": "http://jenkins.invalid/",
            # The agent's own configuration (node properties): where its engine and images are.
            "COMPOSE_PROJECT_NAME": PROJECT,
            "DOCKER_BUILD_OPTIONS": f"--network host --build-arg PYTHON_IMAGE={self.images['python']} "
            f"--build-arg BUILDER_IMAGE={self.images['python-build']}",
        }
        env = {k: v for k, v in env.items() if not k.startswith(("PLANFACT_", "AIRFLOW"))}
        log = self.home / f"jenkins-build-{self.build}.log"
        seconds = {}
        for stage in stages(jenkinsfile):
            if stage.name == "Test":
                assert [s.command for s in stage.steps] == ["make test"]  # what runs this test
                continue
            seconds[stage.name] = round(
                run_stage(stage, self.workspace, env, {"planfact-env": self.env_file()}, self._checkout, log),
                1,
            )
            jenkinsfile = self.workspace / "Jenkinsfile"  # after Checkout: the commit's own file
        return seconds

    def _checkout(self, workspace: Path) -> str:
        if not workspace.exists():
            subprocess.run(["git", "clone", "-q", str(self.scm), str(workspace)], check=True)
        else:
            subprocess.run(["git", "-C", str(workspace), "fetch", "-q", "origin"], check=True)
            subprocess.run(
                ["git", "-C", str(workspace), "checkout", "-q", "--force", "origin/HEAD"], check=True
            )
        return subprocess.run(
            ["git", "-C", str(workspace), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()

    def smoke_log(self) -> str:
        return (self.home / f"jenkins-build-{self.build}.log").read_text(errors="replace")


def settings(images: dict[str, str]) -> dict[str, str]:
    """The deployment's env file: .env.example's docker compose section filled in for CI."""
    import secrets

    from cryptography.fernet import Fernet

    def secret() -> str:
        return secrets.token_urlsafe(16)

    return {
        "COMPOSE_FILE": "docker-compose.yml:docker-compose.ci.yml",
        "POSTGRES_IMAGE": images["postgres"],
        "REDIS_IMAGE": images["redis"],
        "POSTGRES_PORT": str(free_port()),
        "REDIS_PORT": str(free_port()),
        "AIRFLOW_PORT": str(free_port()),
        "AIRFLOW_SCHEDULER_HEALTH_PORT": str(free_port()),
        "AIRFLOW_LOG_SERVER_PORT": str(free_port()),
        "POSTGRES_PASSWORD": secret(),
        "PLANFACT_DB_PASSWORD": secret(),
        "AIRFLOW_DB_PASSWORD": secret(),
        "AIRFLOW_ADMIN_PASSWORD": secret(),
        "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW_SECRET_KEY": secret(),
        "AIRFLOW_JWT_SECRET": secret(),
        "REDIS_PASSWORD": secret(),
        "PLANFACT_DAG_START_DATE": "2015-02-01",
        "PLANFACT_DAG_END_DATE": "2015-03-01",
        "PLANFACT_WORKERS": "1",
        "PLANFACT_SHARDS": "2",
        "PLANFACT_EXPERIMENTS_FILE": "/opt/planfact/tests/fixtures/pipeline_experiments.toml",
        "PLANFACT_SENSOR_POKE_MINUTES": "0.05",
        "PLANFACT_RETRY_DELAY_MINUTES": "0.05",
        "AIRFLOW_TASK_HEARTBEAT_TIMEOUT": "60",
    }


def teardown(engine: Engine, stack: Deployment | None) -> None:
    """Containers and volumes of the project, the images built, nothing of ours left running."""
    if stack is not None and stack.workspace.exists():
        stack.settings["COMPOSE_PROFILES"] = "celery"
        stack.compose("down", "--volumes", "--remove-orphans", "--timeout", "20", check=False)
    left = engine.docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}").split()
    if left:
        engine.docker("rm", "-f", "-v", *left, check=False)
    images = engine.docker("images", "--format", "{{.Repository}}:{{.Tag}}").split()
    ours = [i for i in images if i.startswith(("planfact-test/", "planfact:"))]
    if ours:
        engine.docker("rmi", "-f", *ours, check=False)
    engine.docker("image", "prune", "-f", check=False)
    assert not engine.docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}").split()
    volumes = engine.docker("volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={PROJECT}")
    assert not volumes.split(), volumes


def registry(stack: Deployment) -> dict[str, Any]:
    """mart.run_registry and the registered reports, each report file checked in its volume."""
    runs = stack.psql(
        "planfact",
        "select run_id, to_char(target_month, 'YYYY-MM'), status from mart.run_registry order by run_id",
    )
    plans = dict(
        stack.psql("planfact", "select to_char(target_month, 'YYYY-MM'), run_id from forecast.plan_of_record")
    )
    reports = stack.psql(
        "planfact",
        "select to_char(target_month, 'YYYY-MM'), path, sha256 from forecast.report order by report_id",
    )
    valid = []
    for _month, path, sha in reports:
        assert path.startswith("/srv/planfact/reports/"), path
        digest = stack.exec("airflow-scheduler", "sha256sum", path).split()[0]
        valid.append(digest == sha.strip())
    return {"runs": runs, "plans": plans, "report_months": sorted({r[0] for r in reports}), "valid": valid}


def make(stack: Deployment, target: str) -> None:
    """`make <target>` in the workspace with the env file, as an operator following the README."""
    path = stack.home / "operator.env"
    path.write_text(stack.env_file())
    env = {k: v for k, v in stack.engine.env.items() if not k.startswith(("PLANFACT_", "AIRFLOW"))}
    env.update(PLANFACT_ENV_FILE=str(path), COMPOSE_PROJECT_NAME=PROJECT)
    done = subprocess.run(
        ["make", target], cwd=stack.workspace, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"make {target}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
