"""Deployment files stay correct by construction: no Docker engine or Jenkins runs here.

docker-compose.yml is validated against the Compose Specification JSON schema as
vendored (Apache-2.0, with its licence) by the check-jsonschema wheel, so nothing is
fetched at test time; every Jenkins ``sh`` step must be ``make <target>`` for a target
the Makefile defines, so Jenkins runs what CI runs.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import validators

from support import ROOT as PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
COMPOSE_PORTS = PROJECT_ROOT / "docker-compose.override.yml"  # read with it unless COMPOSE_FILE is set
COMPOSE_CI = PROJECT_ROOT / "docker-compose.ci.yml"
JENKINSFILE = PROJECT_ROOT / "Jenkinsfile"
MAKEFILE = PROJECT_ROOT / "Makefile"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
INITDB = PROJECT_ROOT / "airflow" / "config" / "initdb" / "10-databases.sh"

# ${VAR}, ${VAR:-default}, ${VAR:?message}; $$ is a literal dollar.
_INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<arg>[^}]*)\}")
_SECRET_WORDS = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|JWT", re.IGNORECASE)  # pragma: allowlist secret


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _compose_schema() -> dict[str, Any]:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _make_targets() -> set[str]:
    """Targets with a rule in the Makefile (a name only listed in .PHONY does not count)."""
    targets: set[str] = set()
    for line in MAKEFILE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_][A-Za-z0-9_.\-/ ]*?)\s*::?(?!=)", line)
        if match and not line.startswith("\t"):
            targets.update(match.group(1).split())
    return targets


def _sh_steps(text: str) -> list[str]:
    """The command of every ``sh`` step of a declarative Jenkinsfile."""
    code = re.sub(r"//[^\n]*", "", text)
    steps = re.findall(r"\bsh\s*\(?\s*(?:script\s*:\s*)?(['\"]{1,3})(.*?)\1", code, flags=re.DOTALL)
    return [command.strip() for _quote, command in steps]


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    schema = _compose_schema()
    assert schema.get("title") == "Compose Specification"
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(_compose()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_schema_check_catches_a_broken_compose_file() -> None:
    schema = _compose_schema()
    broken = _compose()
    broken["services"]["postgres"]["healthchek"] = {"test": ["CMD", "true"]}
    cls = validators.validator_for(schema)
    assert list(cls(schema).iter_errors(broken)), "a misspelt key must fail the schema"


def test_compose_has_the_required_services_and_wiring() -> None:
    doc = _compose()
    services = doc["services"]
    postgres = services["postgres"]
    assert postgres["image"] == "${POSTGRES_IMAGE:-postgres:16}"  # the registry image unless CI names its own
    assert services["redis"]["image"] == "${REDIS_IMAGE:-redis:7}"
    assert "pgdata" in doc["volumes"]
    assert any(str(v).startswith("pgdata:") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])

    init = services["airflow-init"]
    script = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert "planfact db upgrade" in script and "airflow db migrate" in script
    assert init["depends_on"]["postgres"]["condition"] == "service_healthy"

    commands = {n: " ".join(s.get("command") or []) for n, s in services.items() if n != "airflow-init"}
    for component in ("api-server", "scheduler", "dag-processor"):
        name = next((n for n, c in commands.items() if c == f"airflow {component}"), None)
        assert name, f"no service runs `airflow {component}`"
        service = services[name]
        assert service["build"]["context"] == "."
        assert service["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
        mounts = {str(v).split(":")[1] for v in service["volumes"]}
        assert {"/srv/planfact/landing", "/srv/planfact/reports"} <= mounts
        env = _environment(service)
        assert env["PLANFACT_LANDING_DIR"] == "/srv/planfact/landing"
        assert "/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]  # Airflow's own database
        assert env["PLANFACT_DATABASE_URL"].endswith("/planfact")
        assert "healthcheck" in service


def test_no_credential_is_written_in_the_compose_file() -> None:
    """Every secret-looking value is an interpolation that fails when the variable is unset."""
    doc = _compose()
    checked = 0
    for name, service in doc["services"].items():
        for key, value in _environment(service).items():
            refs = list(_INTERPOLATION.finditer(value))
            secret_refs = [m for m in refs if _SECRET_WORDS.search(m["name"])]
            if _SECRET_WORDS.search(key) and not key.endswith(("_FILE", "_USERS")):
                assert refs, f"{name}.{key} holds a literal; use ${{VAR:?set VAR in .env}}"
            if "@" in value:  # a URL with credentials: the password part must be a ${VAR:?...}
                assert secret_refs, f"{name}.{key} has credentials that are not interpolated"
            for match in secret_refs:
                checked += 1
                assert match["op"] == ":?", f"{name}.{key}: ${{{match['name']}}} must be required (:?)"
    assert checked >= 5
    assert not re.search(r"(?i)password\s*[:=]\s*['\"]?(?!\$)\w", COMPOSE.read_text(encoding="utf-8"))


def test_every_compose_variable_is_documented_in_env_example() -> None:
    names = {m["name"] for path in (COMPOSE, COMPOSE_PORTS, COMPOSE_CI)
             for m in _INTERPOLATION.finditer(path.read_text(encoding="utf-8"))}
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M))
    missing = sorted(names - documented)
    assert not missing, f".env.example does not document: {', '.join(missing)}"


def test_postgres_init_script_takes_passwords_from_the_environment() -> None:
    text = INITDB.read_text(encoding="utf-8")
    assert "create database airflow" in text and "create database planfact" in text
    assert ":'planfact_password'" in text and ":'airflow_password'" in text
    assert not re.search(r"password\s+'", text), "a literal password in the init script"


def test_makefile_target_parser_reads_rules_only() -> None:
    targets = _make_targets()
    assert {"test", "migrate", "venv", "demo"} <= targets
    assert ".PHONY" not in targets and "$(STAMP)" not in targets


def test_every_jenkins_sh_step_calls_an_existing_make_target() -> None:
    text = JENKINSFILE.read_text(encoding="utf-8")
    steps = _sh_steps(text)
    assert len(steps) >= 4, steps
    targets = _make_targets()
    called = []
    for command in steps:
        match = re.fullmatch(r"make\s+([A-Za-z0-9_.\-]+)", command)
        assert match, f"Jenkins step `sh '{command}'` is not a single `make <target>`"
        target = match.group(1)
        assert target in targets, f"Jenkins calls `make {target}` but the Makefile has no rule for it"
        called.append(target)
    # No stage needs the database before Deploy: on a first deployment it does not exist yet
    # (Deploy starts PostgreSQL, whose first start creates it, then airflow-init migrates).
    assert called == ["test", "image", "deploy", "smoke"]


def test_jenkins_takes_credentials_from_the_store() -> None:
    text = JENKINSFILE.read_text(encoding="utf-8")
    assert text.lstrip("/ \n").startswith("pipeline") or "\npipeline {" in text
    assert "checkout scm" in text
    for stage in ("Deploy", "Smoke"):
        body = text[text.index(f"stage('{stage}')") :].split("stage(", 2)[1]
        assert "file(credentialsId: 'planfact-env', variable: 'PLANFACT_ENV_FILE')" in body, stage
    assert not re.search(r"postgres(ql)?://\w+:[^@$]+@", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sh 'make test'", ["make test"]),
        ('sh "make image"', ["make image"]),
        ("sh(script: 'make deploy')", ["make deploy"]),
        ("// sh 'rm -rf /'\nsh '''make smoke'''", ["make smoke"]),
    ],
)
def test_sh_step_parser(text: str, expected: list[str]) -> None:
    assert _sh_steps(text) == expected


def test_dockerfile_installs_planfact_with_airflow() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    # The registry base image by default, a build argument for machines without a registry.
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, re.M)
    assert re.search(r"^ARG BUILDER_IMAGE=\$\{PYTHON_IMAGE\}$", text, re.M)
    assert re.findall(r"^FROM (\S+)", text, re.M) == ["${BUILDER_IMAGE}", "${PYTHON_IMAGE}"]
    assert "--extra airflow" in text
    # Exactly the locked versions, and a regular (not editable) install of planfact: sql/ and
    # migrations/ ship inside the package, no checkout needed.
    assert "COPY pyproject.toml uv.lock" in text
    syncs = re.findall(r"uv sync ([^\n\\]*)", text)
    assert len(syncs) == 1 and all("--frozen" in s and "--extra airflow" in s for s in syncs), syncs
    assert "uv build --no-cache --wheel" in text and "pip install --no-cache --offline --no-deps" in text
    assert " -e " not in text and "pip install -r" not in text
    # Only the venv leaves the build stage: nothing the builder needed (a CA bundle) reaches the image.
    runtime = text[text.rindex("FROM ") :]
    assert set(re.findall(r"COPY --from=build (\S+)", runtime)) == {"/opt/uv", "/opt/venv", "/opt/dist"}
    assert "AIRFLOW__CORE__DAGS_FOLDER=/opt/planfact/airflow/dags" in text
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and ".git" in ignored


def test_compose_file_names_only_existing_paths() -> None:
    doc = _compose()
    for service in doc["services"].values():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                assert (PROJECT_ROOT / source).exists(), f"compose mounts missing {source}"
        build = service.get("build")
        if build:
            assert (PROJECT_ROOT / build["context"] / build.get("dockerfile", "Dockerfile")).is_file()
    assert Path(INITDB).stat().st_mode & 0o111, "the init script must be executable"


_SHARED = (
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__CORE__EXECUTOR",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "PLANFACT_DATABASE_URL",
)


def _airflow_services(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every service running an Airflow component (and the init job, which migrates Airflow)."""
    out = {}
    for name, service in doc["services"].items():
        command = service.get("command") or []
        text = " ".join(command) if isinstance(command, list) else command
        if text.startswith("airflow ") or "airflow db migrate" in text:
            out[name] = service
    return out


def test_every_airflow_component_gets_the_same_secrets_and_the_async_url() -> None:
    services = _airflow_services(_compose())
    assert {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
            "airflow-worker"} <= set(services)
    envs = {name: _environment(service) for name, service in services.items()}
    for key in _SHARED:
        values = {name: env.get(key) for name, env in envs.items()}
        assert len(set(values.values())) == 1 and None not in values.values(), f"{key} differs: {values}"
    env = next(iter(envs.values()))
    sync = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    async_ = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"]
    # The async driver is settled: psycopg's, never a derived URL that needs asyncpg.
    assert sync.startswith("postgresql+psycopg://") and async_.startswith("postgresql+psycopg_async://")
    assert sync.split("://", 1)[1] == async_.split("://", 1)[1]
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg://")


def test_the_celery_profile_adds_a_broker_and_workers_with_the_shared_storage() -> None:
    doc = _compose()
    redis, worker = doc["services"]["redis"], doc["services"]["airflow-worker"]
    assert redis["profiles"] == ["celery"] and worker["profiles"] == ["celery"]
    assert worker["command"] == ["airflow", "celery", "worker"]
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "REDIS_PASSWORD:?" in " ".join(redis["command"])  # pragma: allowlist secret (a variable)
    assert "@redis:6379" in _environment(worker)["AIRFLOW__CELERY__BROKER_URL"]
    assert _environment(worker)["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
    for service in _airflow_services(doc).values():
        if service.get("command", [""])[0] == "airflow":
            mounts = {str(v).split(":")[1] for v in service["volumes"]}
            assert {"/srv/planfact/landing", "/srv/planfact/reports"} <= mounts  # any task on any worker
    text = COMPOSE.read_text(encoding="utf-8")
    assert "shared" in text and "NFS" in text  # the storage each host needs is stated


def test_every_volume_an_airflow_service_mounts_is_made_for_the_airflow_user() -> None:
    """A fresh named volume takes the owner of the folder it is mounted on; a folder the image lacks
    is made by Docker as root, and uid 50000 could not write the password file or the logs (F5)."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    runtime = text[text.rindex("FROM ") :]
    made = set(re.findall(r"mkdir -p ([^&\n]+)", runtime)[0].split())
    owned = set(re.findall(r"chown -R airflow:0 ([^&\n]+)", runtime)[0].split())
    assert "USER airflow" in runtime and "--uid 50000" in runtime
    targets = {str(v).split(":")[1] for service in _airflow_services(_compose()).values()
               for v in service.get("volumes", [])}
    assert {"/opt/airflow/auth", "/opt/airflow/logs"} <= targets
    for target in targets:
        assert target in made, f"the image does not create {target}, a volume mount point"
        assert any(target == o or target.startswith(o + "/") for o in owned), f"{target}: not uid 50000's"


def test_the_ci_override_changes_networking_and_nothing_else() -> None:
    """docker-compose.ci.yml: host networking, every address 127.0.0.1 on its own port; no image,
    volume, secret, dependency or other setting differs from docker-compose.yml."""
    ci = yaml.safe_load(COMPOSE_CI.read_text(encoding="utf-8"))
    base = _compose()["services"]
    addresses = {"PLANFACT_DATABASE_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                 "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC",
                 "AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__CELERY__RESULT_BACKEND",
                 "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "AIRFLOW__API__HOST", "AIRFLOW__API__PORT",
                 "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT",
                 "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"}
    assert set(ci["services"]) == set(base)
    for name, service in ci["services"].items():
        assert service["network_mode"] == "host", name
        assert set(service) <= {"network_mode", "environment", "healthcheck", "command"}, name
        env = _environment(service)
        if name == "postgres":
            assert env == {"PGPORT": "${POSTGRES_PORT:?set POSTGRES_PORT in .env}"}
            continue
        assert set(env) <= addresses, (name, set(env) - addresses)
        for key, value in env.items():
            assert "@postgres:" not in value and "@redis:" not in value and "//airflow-apiserver" not in value
            if key in _environment(base[name]):  # the same credentials, only the address differs
                strip = re.compile(r"@[^/]+|//[^/]+")
                assert strip.sub("", value) == strip.sub("", _environment(base[name])[key]), key
        if "command" in service:
            assert name == "redis" and service["command"][:3] == base[name]["command"][:3]
    # Published ports live in docker-compose.override.yml (a bridge network's), not here.
    assert not [n for n, s in _compose()["services"].items() if "ports" in s]
    ports = yaml.safe_load(COMPOSE_PORTS.read_text(encoding="utf-8"))["services"]
    assert ports["postgres"]["ports"] == ["127.0.0.1:${POSTGRES_PORT:-5432}:5432"]
    assert ports["airflow-apiserver"]["ports"] == ["127.0.0.1:${AIRFLOW_PORT:-8080}:8080"]


ENV_FILE = "/run/secrets/planfact.env"  # what Jenkins' file credential gives


def _make_dry_run(tmp_path: Path, plugin: bool, target: str) -> str:
    """`make -n TARGET` with a fake `docker` on PATH whose `compose` plugin answers or not."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "docker").write_text(f"#!/bin/sh\n[ \"$1\" = compose ] && exit {0 if plugin else 1}\nexit 0\n")
    (fake / "docker").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "PLANFACT_ENV_FILE": ENV_FILE, "HOME": str(tmp_path)}
    done = subprocess.run(["make", "-s", "-n", target], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(("plugin", "command"), [(True, "docker compose"), (False, "docker-compose")])
def test_deploy_and_smoke_use_the_compose_the_machine_has(tmp_path: Path, plugin: bool, command: str) -> None:
    deploy = _make_dry_run(tmp_path, plugin, "deploy")
    assert f"{command} --project-name planfact --env-file {ENV_FILE} up -d --no-build" in deploy
    assert "compose-wait.sh planfact" in deploy  # Compose v1 has no --wait
    smoke = _make_dry_run(tmp_path, plugin, "smoke")
    assert f"{command} --project-name planfact --env-file {ENV_FILE} exec -T airflow-scheduler" in smoke
    image = _make_dry_run(tmp_path, plugin, "image")
    assert image.startswith("docker build --pull -t planfact:")
