"""A real Docker engine for the deployment tests, and the local stand-ins for registry images.

When no engine answers, one is installed (Debian's docker.io, docker-compose, debootstrap) and
started as docs describe for these machines: no bridge, no iptables, on a private socket, data
root and exec root, so nothing else on the machine (testcontainers of other test sessions, say)
sees it, and stopping it leaves nothing behind. Containers use host networking only.

Registry images cannot be pulled here: a Debian root file system made by debootstrap is imported
as a base image and the stand-ins of ``tests/e2e/compose_images`` are built on it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from support import ROOT

__all__ = ["Engine", "EngineUnavailable", "base_images", "docker_engine"]

IMAGES = ROOT / "tests" / "e2e" / "compose_images"
PREFIX = "planfact-test"  # every base image this module builds is named planfact-test/...
PACKAGES = ("docker.io", "docker-compose", "debootstrap")


class EngineUnavailable(Exception):
    """No engine answers and none can be started here (the message says why): the test skips."""


@dataclass
class Engine:
    """A Docker engine: ``env`` reaches it (DOCKER_HOST); ``pid`` is set when this module started it."""

    env: dict[str, str]
    pid: int | None = None
    roots: list[Path] = field(default_factory=list)

    def run(
        self,
        *args: str,
        timeout: float = 600,
        check: bool = True,
        cwd: Path | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run one command (``docker ...``, ``make ...``) against this engine."""
        done = subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, timeout=timeout, cwd=cwd, input=input
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def docker(self, *args: str, timeout: float = 600, check: bool = True) -> str:
        return self.run("docker", *args, timeout=timeout, check=check).stdout


def _answers(env: dict[str, str]) -> bool:
    if not shutil.which("docker", path=env.get("PATH")):
        return False
    with suppress(subprocess.TimeoutExpired):
        return subprocess.run(["docker", "info"], env=env, capture_output=True, timeout=20).returncode == 0
    return False


def _install() -> None:
    """Debian's Docker Engine 20.10, Compose v1 and debootstrap, when one is missing."""
    if all(shutil.which(tool) for tool in ("dockerd", "debootstrap")) and (
        shutil.which("docker-compose") or _answers_plugin()
    ):
        return
    if os.geteuid() != 0:
        raise EngineUnavailable("the test's own Docker engine needs Debian's docker.io, docker-compose "
                                "and debootstrap, and installing them needs root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *PACKAGES]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineUnavailable(f"{' '.join(command)}: {exc}") from None
        if done.returncode != 0:
            raise EngineUnavailable(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")


def _answers_plugin() -> bool:
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


@contextmanager
def docker_engine() -> Iterator[Engine]:
    """An engine of our own, on a private socket and data root, stopped at the end (by its pid)
    and its data root removed.

    Never an engine that already answers (a developer's, a Jenkins agent's): the test builds,
    deploys and finally removes ``planfact:*`` images and prunes, which must never touch the
    images a real deployment runs or rolls back to.
    """
    env = dict(os.environ)
    _install()
    if os.geteuid() != 0:
        raise EngineUnavailable("the test runs a Docker engine of its own (never one that already "
                                "answers: it removes the images it built), and dockerd needs root")
    # dockerd makes these whatever its exec root: removed at the end when they were not here before.
    strays = [p for p in (Path("/run/docker"), Path("/run/containerd")) if not p.exists()]
    data = Path(tempfile.mkdtemp(prefix="planfact-docker-", dir="/var/tmp"))
    run = Path(tempfile.mkdtemp(prefix="pfd-", dir="/run"))  # exec root: short socket paths
    sock = run / "docker.sock"
    log = (data / "dockerd.log").open("ab")
    process = subprocess.Popen(
        [
            "dockerd",
            "-H",
            f"unix://{sock}",
            "--data-root",
            str(data / "root"),
            "--exec-root",
            str(run / "exec"),
            "--pidfile",
            str(run / "dockerd.pid"),
            "--bridge=none",
            "--iptables=false",
            "--ip-forward=false",
            "--ip-masq=false",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    engine = Engine(env={**env, "DOCKER_HOST": f"unix://{sock}"}, pid=process.pid, roots=[data, run])
    try:
        deadline = time.monotonic() + 90
        while not _answers(engine.env):
            if process.poll() is not None or time.monotonic() > deadline:
                raise EngineUnavailable(
                    "dockerd did not start: " + (data / "dockerd.log").read_text(errors="replace")[-1000:]
                )
            time.sleep(1)
        yield engine
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        log.close()
        _unmount_under(engine.roots)
        for root in engine.roots:
            shutil.rmtree(root, ignore_errors=True)
        for stray in strays:
            if stray.is_dir() and not any(p.is_file() or p.is_socket() for p in stray.rglob("*")):
                shutil.rmtree(stray, ignore_errors=True)


def _unmount_under(roots: list[Path]) -> None:
    """What a stopped dockerd leaves mounted below its roots (the host's netns bind mount)."""
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for point in sorted(mounts, key=len, reverse=True):
        if any(point.startswith(f"{root}/") for root in roots):
            subprocess.run(["umount", "-l", point], capture_output=True)


def _mirror() -> tuple[str, str]:
    """(Debian mirror, suite) of the machine's own apt sources: what debootstrap fetches from."""
    release = Path("/etc/os-release").read_text()
    suite = re.search(r"^VERSION_CODENAME=(\w+)", release, re.M)
    texts = [
        p.read_text(errors="replace")
        for p in Path("/etc/apt").rglob("*")
        if p.is_file() and p.suffix in (".sources", ".list")
    ]
    for text in texts:
        for url in re.findall(r"^URIs:\s*(\S+)", text, re.M) + re.findall(
            r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)", text, re.M
        ):
            if url.rstrip("/").endswith("/debian"):
                return url, suite[1] if suite else "bookworm"
    return "http://deb.debian.org/debian", suite[1] if suite else "bookworm"


def base_images(engine: Engine, workdir: Path) -> dict[str, str]:
    """Build the stand-ins for the registry images; returns their names by role.

    debian (debootstrap + docker import), then python, postgres and redis at once, then
    python-build (python plus the machine's CA bundle, for the Dockerfile's build stage only).
    """
    names = {
        "debian": f"{PREFIX}/debian:bookworm",
        "python": f"{PREFIX}/python:3.11",
        "python-build": f"{PREFIX}/python-build:3.11",
        "postgres": f"{PREFIX}/postgres:16",
        "redis": f"{PREFIX}/redis:7",
    }
    rootfs = workdir / "rootfs"
    mirror, suite = _mirror()
    engine.run("debootstrap", "--variant=minbase", suite, str(rootfs), mirror, timeout=900)
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    imported = subprocess.run(
        ["docker", "import", "-", names["debian"]],
        stdin=tar.stdout,
        env=engine.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tar.wait()
    assert imported.returncode == 0 and tar.returncode == 0, imported.stderr
    shutil.rmtree(rootfs, ignore_errors=True)

    def build(role: str, base: str, context: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                "docker",
                "build",
                "-q",
                "--network",
                "host",
                "--build-arg",
                f"BASE_IMAGE={base}",
                "-t",
                names[role],
                str(context),
            ],
            env=engine.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    builds = {role: build(role, names["debian"], IMAGES / role) for role in ("python", "postgres", "redis")}
    for role, process in builds.items():
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, f"building {names[role]}: {output[-3000:]}"
    context = workdir / "python-build"
    shutil.copytree(IMAGES / "python-build", context)
    ca = os.environ.get("PIP_CERT") or "/etc/ssl/certs/ca-certificates.crt"
    shutil.copyfile(ca, context / "ca-bundle.crt")
    process = build("python-build", names["python"], context)
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, f"building {names['python-build']}: {output[-3000:]}"
    shutil.rmtree(context, ignore_errors=True)
    return names
