"""Repository hygiene: no credential in any committed file, no licensed data committed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from support import ROOT as PROJECT_ROOT

# A URL with an inline password, or a password/secret/token assigned a literal value.
URL_WITH_PASSWORD = re.compile(r"[a-z+]+://[^/\s:@'\"]+:([^@\s'\"/]+)@")
ASSIGNED_SECRET = re.compile(
    r"(?i)\b[\w]*(password|passwd|secret|token|api_key)[\w]*\s*[:=]\s*['\"]?([^\s'\"#,})]+)"
)
# Values that are references or placeholders, not credentials.
PLACEHOLDER = re.compile(r"(?i)^(\$|<|/|\{\{|%\(|\*+$|env\.|credentials\(|none$|null$|true$|false$|\[)")

# The detect-secrets convention for a line that holds a deliberate fake value.
ALLOWED = "pragma: allowlist secret"


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing committed to scan")
    return [PROJECT_ROOT / line for line in out.splitlines() if line]


def _findings(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if ALLOWED in line:  # a deliberate fake value in a test, marked as such
            continue
        for match in URL_WITH_PASSWORD.finditer(line):
            if not PLACEHOLDER.match(match.group(1)):
                found.append(f"{path.name}:{number}: URL with a password")
        for match in ASSIGNED_SECRET.finditer(line):
            if line[: match.start()].endswith(("${", "$")):  # a reference: ${DB_PASSWORD:?...}
                continue
            value = match.group(2)
            if not PLACEHOLDER.match(value) and not value.startswith(("os.", "settings.", "getenv")):
                found.append(f"{path.name}:{number}: {match.group(1)} set to a literal")
    return found


def test_no_credentials_in_committed_files() -> None:
    # This file holds deliberate examples of leaks for the scanner's own test.
    scanned = [p for p in _tracked_files() if p.is_file() and p.name != Path(__file__).name]
    findings = [f for path in scanned for f in _findings(path)]
    assert findings == []


def test_scanner_catches_a_credential(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.yml"
    leaky.write_text("DATABASE=postgresql://etl:hunter2@db/planfact\nPOSTGRES_PASSWORD: hunter2\n")
    assert len(_findings(leaky)) == 2
    safe = tmp_path / "safe.yml"
    safe.write_text("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\nurl: postgresql://u:<password>@h/db\n")
    assert _findings(safe) == []


def test_no_licensed_data_committed() -> None:
    # The Kaggle data's licence forbids redistribution: it must stay in ../shared/data.
    names = {p.name for p in _tracked_files()}
    assert not names & {"train.csv", "train.csv.gz", "store.csv.gz", "stores.csv.gz", "transactions.csv.gz"}
