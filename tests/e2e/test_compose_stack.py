"""The deployment, run for real: the Jenkinsfile's stages on a Docker engine bring up
docker-compose.yml, and the containerized scheduler runs months end to end (issue #26).

One stack, four steps in order (each later one needs the earlier; a failure skips the rest):

1. first deployment: the Jenkinsfile's stages as Jenkins runs them (Checkout, Image, Deploy,
   Smoke: ``make image deploy smoke``) into an empty engine, with the deployment's env file as
   the ``planfact-env`` credential (docker-compose.yml plus docker-compose.ci.yml: host
   networking, ports of its own, local base images); the Test stage is this very test's
   ``make test`` and is not run again inside it;
2. LocalExecutor: February and March 2015 of tiny data through the scheduler container; the
   PostgreSQL container is restarted while March waits for its actuals;
3. Celery (``COMPOSE_PROFILES=celery``, ``AIRFLOW_EXECUTOR=CeleryExecutor``, ``make deploy``):
   April and May on the worker container, which is killed while an April shard runs;
4. upgrade deployment: a new commit (one more migration) through the same stages; the new image
   migrates the database and every component runs on it, nothing registered is lost.

The registry is read with psql inside the database container, the report files are checked
against their sha256 inside their volume, and everything is removed at the end (containers,
volumes, images, the engine this test started). Timeline: printed, and in airflow/README.md.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import ROOT
from support.compose_stack import LANDING, Deployment, make, registry, settings, teardown
from support.docker_engine import EngineUnavailable, base_images, docker_engine

# One stack for the four steps: with pytest-xdist (--dist loadgroup) they stay on one worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("compose_stack")]

UPGRADE = '''"""CI upgrade probe: a migration only the upgrade deployment's commit has."""

from alembic import op

revision = "ci_upgrade_probe"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("comment on schema core is 'upgraded by the CI deployment test'")


def downgrade() -> None:
    op.execute("comment on schema core is null")
'''


def _links() -> set[str]:
    done = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True)
    return {line.split(":")[1].strip() for line in done.stdout.splitlines()}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    home = tmp_path_factory.mktemp("deploy")
    links = _links()
    t0 = time.monotonic()
    stack: Deployment | None = None
    try:
        with docker_engine() as engine:
            started = engine.pid is not None
            try:
                start = time.monotonic()
                images = base_images(engine, home)
                stack = Deployment(engine, home, images, settings(images))
                stack.timeline.append(("engine (install, start)", round(start - t0, 1)))
                stack.mark("base images", start)
                subprocess.run(["git", "clone", "-q", str(ROOT), str(stack.scm)], check=True)
                yield stack
            finally:
                start = time.monotonic()
                teardown(engine, stack)
    except EngineUnavailable as exc:
        pytest.skip(f"no Docker engine: {exc}")
    # Nothing of ours is left: no engine process (when we started it), no network interface.
    assert _links() == links, _links() - links
    if started:
        assert not Path(f"/proc/{engine.pid}").exists(), "dockerd still runs"
    if stack is not None:
        stack.mark("teardown (down -v, rmi, engine stop)", start)
        rows = [*stack.timeline, ("total", round(time.monotonic() - t0, 1))]
        print("\ncompose stack timeline (s):\n" + "\n".join(f"  {p:<44} {s:7.1f}" for p, s in rows))


@pytest.fixture
def stack(deployment: Deployment, request: pytest.FixtureRequest) -> Deployment:
    """The deployment when every earlier step passed (each step builds on the one before)."""
    order = [
        "test_first_deployment",
        "test_months_on_the_local_executor",
        "test_months_on_celery_workers",
        "test_upgrade_deployment",
    ]
    name = request.node.name
    missing = [n for n in order[: order.index(name)] if n not in deployment.passed]
    if missing:
        pytest.skip(f"needs {missing[0]} to pass first")
    return deployment


def _passed(stack: Deployment, name: str) -> None:
    stack.passed.append(name)


def test_first_deployment(stack: Deployment) -> None:
    start = time.monotonic()
    seconds = stack.jenkins_build()
    stack.timeline += [
        ("build (Image stage)", seconds["Image"]),
        ("up (Deploy + Smoke)", seconds["Deploy"] + seconds["Smoke"]),
    ]
    assert list(seconds) == ["Checkout", "Image", "Deploy", "Smoke"]
    sha = subprocess.run(
        ["git", "-C", str(stack.workspace), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    for service in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"):
        image = stack.engine.docker(
            "inspect", "-f", "{{.Config.Image}} {{.State.Health.Status}}", stack.container(service)
        ).split()
        assert image == [f"planfact:{sha}", "healthy"], (service, image)
    # Smoke: the schema revision and an empty run list, from the scheduler container.
    log = stack.smoke_log()
    assert re.search(r"^\d{4}_\w+$", log, re.M) and "no runs in the registry" in log, log[-2000:]
    # F5: the volumes airflow-auth and airflow-logs are the airflow user's (uid 50000).
    owners = stack.exec(
        "airflow-scheduler",
        "stat",
        "-c",
        "%u %n",
        "/opt/airflow/auth",
        "/opt/airflow/logs",
        "/opt/airflow/auth/passwords.json",
    )
    assert [line.split()[0] for line in owners.splitlines()] == ["50000"] * 3, owners
    stack.timeline.append(("first deployment total", round(time.monotonic() - start, 1)))
    _passed(stack, "test_first_deployment")


def test_months_on_the_local_executor(stack: Deployment) -> None:
    start = time.monotonic()
    stack.exec(
        "airflow-scheduler",
        "planfact",
        "data",
        "generate",
        "--size",
        "tiny",
        "--seed",
        "11",
        "--start",
        "2015-01-01",
        "--end",
        "2015-05-31",
        "--by-month",
        "--out",
        f"{LANDING}/incoming",
    )
    stack.land(
        "stores.csv.gz",
        "holidays_events.csv.gz",
        "actuals_2015-01.csv.gz",
        "actuals_2015-02.csv.gz",
        "plan_2015-02.csv.gz",
        "plan_2015-03.csv.gz",
    )
    stack.exec("airflow-scheduler", "airflow", "dags", "unpause", "planfact_monthly")
    assert stack.month("2015-02") == "success"
    stack.mark("month 1 (2015-02)", start)

    # Fault: PostgreSQL restarts while March waits for its actuals; then they land.
    start = time.monotonic()
    stack.wait("March waiting", lambda: stack.runs().get("2015-03") == "running")
    stack.engine.docker("restart", "-t", "20", stack.container("postgres"))
    stack.wait("PostgreSQL again", lambda: stack.psql("planfact", "select 1") == [["1"]], 120)
    stack.mark("fault (PostgreSQL restart)", start)
    start = time.monotonic()
    stack.land("actuals_2015-03.csv.gz", "plan_2015-04.csv.gz")
    assert stack.month("2015-03") == "success"
    stack.mark("month 2 (2015-03)", start)

    held = registry(stack)
    assert held["plans"].keys() == {"2015-03", "2015-04"}
    assert {r[2] for r in held["runs"]} == {"succeeded"} and len(held["runs"]) == 2
    assert held["report_months"] == ["2015-03"] and held["valid"] and all(held["valid"])
    _passed(stack, "test_months_on_the_local_executor")


def test_months_on_celery_workers(stack: Deployment) -> None:
    start = time.monotonic()
    stack.settings.update(
        AIRFLOW_EXECUTOR="CeleryExecutor", COMPOSE_PROFILES="celery", PLANFACT_DAG_END_DATE="2015-05-01"
    )
    make(stack, "deploy")
    worker = stack.container("airflow-worker")
    stack.land("actuals_2015-04.csv.gz", "plan_2015-05.csv.gz")

    # Fault: the worker container is killed while an April shard runs on it; the month succeeds.
    def shard_running() -> bool:
        """A shard runs on the worker and none waits in the broker (killing it loses no message)."""
        states = [
            r[0]
            for r in stack.psql(
                "airflow",
                "select ti.state from task_instance ti join dag_run dr using (dag_id, run_id) "
                "where ti.task_id = 'forecast_shard' and to_char(dr.logical_date, 'YYYY-MM') = '2015-04'",
            )
        ]
        return "running" in states and "queued" not in states

    stack.wait("an April shard running", shard_running)
    stack.engine.docker("kill", worker)
    time.sleep(5)
    if stack.engine.docker("inspect", "-f", "{{.State.Running}}", worker).strip() != "true":
        stack.engine.docker("start", worker)  # the operator (or a supervisor) starts it again
    assert stack.month("2015-04") == "success"
    tries = stack.psql(
        "airflow",
        "select ti.try_number from task_instance ti join dag_run dr using (dag_id, run_id) "
        "where ti.task_id = 'forecast_shard' and to_char(dr.logical_date, 'YYYY-MM') = '2015-04' "
        "order by 1",
    )
    assert [t[0] for t in tries] in (["1", "2"], ["2", "2"]), tries  # the killed shard ran again
    stack.land("actuals_2015-05.csv.gz")
    assert stack.month("2015-05") == "success"
    worker_log = (
        stack.engine.run("docker", "logs", worker).stdout + stack.engine.run("docker", "logs", worker).stderr
    )
    assert "forecast_shard" in worker_log  # the shards ran on the worker container
    held = registry(stack)
    assert held["plans"].keys() == {"2015-03", "2015-04", "2015-05", "2015-06"}
    assert held["report_months"] == ["2015-03", "2015-04", "2015-05"] and all(held["valid"])
    assert {r[2] for r in held["runs"]} == {"succeeded"} and len(held["runs"]) == 4
    stack.mark("Celery leg (deploy, 2 months, worker killed)", start)
    _passed(stack, "test_months_on_celery_workers")


def test_upgrade_deployment(stack: Deployment) -> None:
    start = time.monotonic()
    before = registry(stack)
    head = stack.exec("airflow-scheduler", "planfact", "db", "current").split()[0]
    versions = stack.scm / "migrations" / "versions"
    (versions / "9999_ci_upgrade_probe.py").write_text(UPGRADE.format(head=head))
    subprocess.run(["git", "-C", str(stack.scm), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(stack.scm),
            "-c",
            "user.name=ci",
            "-c",
            "user.email=ci@example.invalid",
            "commit",
            "-qm",
            "upgrade probe",
        ],
        check=True,
    )
    seconds = stack.jenkins_build()
    assert list(seconds) == ["Checkout", "Image", "Deploy", "Smoke"]
    sha = subprocess.run(
        ["git", "-C", str(stack.workspace), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    for service in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-worker"):
        image = stack.engine.docker("inspect", "-f", "{{.Config.Image}}", stack.container(service)).strip()
        assert image == f"planfact:{sha}", (service, image)
    assert "ci_upgrade_probe" in stack.smoke_log()
    assert stack.psql("planfact", "select obj_description('core'::regnamespace)") == [
        ["upgraded by the CI deployment test"]
    ]
    assert registry(stack) == before  # nothing registered was lost
    assert stack.runs() == {m: "success" for m in ("2015-02", "2015-03", "2015-04", "2015-05")}
    stack.mark("upgrade deployment", start)
    _passed(stack, "test_upgrade_deployment")
