"""The Jenkinsfile's stages, read and executed the way a Jenkins agent would run them.

Only what the declarative pipeline uses is understood: ``environment { NAME = 'value' }``,
``stage('Name') { steps { ... } }``, ``checkout scm``, ``sh '...'`` and ``withCredentials([...])``
with ``string`` and ``file`` bindings around steps. Anything else in a stage is an error, so the
runner never silently skips a step. ``sh`` runs ``sh -xe -c`` in the workspace (what Jenkins
does); a ``file`` credential becomes the path of a private copy of the file, a ``string`` one the
value, both only for the steps inside the binding.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Stage", "Step", "pipeline_environment", "run_stage", "stages"]


@dataclass(frozen=True)
class Step:
    """``kind`` is ``checkout`` or ``sh``; ``credentials`` maps variable -> (kind, credentials id)."""

    kind: str
    command: str = ""
    credentials: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    name: str
    steps: tuple[Step, ...]


def _blocks(text: str, head: str) -> Iterator[tuple[re.Match[str], str]]:
    """Each ``head {...}`` (a regex) with the text between its matching braces."""
    for match in re.finditer(head + r"\s*\{", text):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        yield match, text[match.end() : i - 1]


def _steps(body: str, credentials: dict[str, tuple[str, str]]) -> list[Step]:
    steps: list[Step] = []
    rest = body
    for match, inner in _blocks(body, r"withCredentials\s*\(\s*\[(?P<bindings>.*?)\]\s*\)"):
        bound = dict(credentials)
        for kind, cid, var in re.findall(
            r"(string|file)\s*\(\s*credentialsId:\s*'([^']+)'\s*,\s*variable:\s*'([^']+)'\s*\)",
            match["bindings"],
        ):
            bound[var] = (kind, cid)
        steps += _steps(inner, bound)
        rest = rest.replace(match.group(0) + inner, "", 1)
    for line in (line.strip() for line in rest.splitlines()):
        if not line or line == "}":
            continue
        if line == "checkout scm":
            steps.append(Step("checkout", credentials=credentials))
        elif sh := re.fullmatch(r"sh\s+'([^']*)'", line):
            steps.append(Step("sh", sh[1], credentials))
        else:
            raise ValueError(f"Jenkinsfile step not understood by the test runner: {line!r}")
    return steps


def stages(jenkinsfile: Path) -> list[Stage]:
    """The stages in order, each with its steps."""
    text = re.sub(r"//[^\n]*", "", jenkinsfile.read_text(encoding="utf-8"))
    out = []
    for match, body in _blocks(text, r"stage\s*\(\s*'(?P<name>[^']+)'\s*\)"):
        ((_steps_match, steps_body),) = _blocks(body, r"\bsteps")
        out.append(Stage(match["name"], tuple(_steps(steps_body, {}))))
    return out


def pipeline_environment(jenkinsfile: Path) -> dict[str, str]:
    """``environment { NAME = 'value' }`` of the pipeline."""
    text = re.sub(r"//[^\n]*", "", jenkinsfile.read_text(encoding="utf-8"))
    ((_m, body),) = _blocks(text, r"\benvironment")
    return dict(re.findall(r"(\w+)\s*=\s*'([^']*)'", body))


def run_stage(
    stage: Stage,
    workspace: Path,
    env: dict[str, str],
    credentials: dict[str, str],
    checkout: Callable[[Path], str],
    log: Path,
) -> float:
    """Run every step of ``stage``; ``credentials`` maps credentials id -> content. Returns seconds.

    ``checkout(workspace)`` does what ``checkout scm`` does and returns the commit (GIT_COMMIT).
    A failing ``sh`` step fails the stage, as in Jenkins, with the step's output.
    """
    start = time.monotonic()
    credential_dir = workspace.parent / f"{workspace.name}@tmp"
    for step in stage.steps:
        step_env = dict(env)
        for var, (kind, cid) in step.credentials.items():
            if kind == "file":
                credential_dir.mkdir(mode=0o700, exist_ok=True)
                path = credential_dir / f"secretFile-{cid}"
                path.write_text(credentials[cid])
                os.chmod(path, 0o600)
                step_env[var] = str(path)
            else:
                step_env[var] = credentials[cid]
        with log.open("a") as out:
            out.write(f"[Pipeline] {{ ({stage.name})\n")
            if step.kind == "checkout":
                env["GIT_COMMIT"] = checkout(workspace)
                out.write(f"checkout scm: {env['GIT_COMMIT']}\n")
                continue
            out.flush()
            done = subprocess.run(
                ["sh", "-xe", "-c", step.command],
                cwd=workspace,
                env=step_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=1200,
            )
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-4000:]
            raise AssertionError(f"stage {stage.name}: sh '{step.command}' exited {done.returncode}:\n{tail}")
        for var in step.credentials:
            if step.credentials[var][0] == "file":
                Path(step_env[var]).unlink(missing_ok=True)
    return time.monotonic() - start
