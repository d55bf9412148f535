"""One owner for canonical-JSON digests (forecasting.digests), and the digests already stored in
registries stay what they were: each value below was made by the code before the owner existed."""

from __future__ import annotations

import ast
from pathlib import Path

from forecasting.digests import canonical_json, json_digest
from forecasting.experiments import model_key
from planfact.runs.configs import config_sha256
from planfact.runs.writer import model_version_id
from support import ROOT


def test_canonical_json_sorts_keys_and_stringifies_the_rest() -> None:
    assert canonical_json({"b": 1, "a": Path("x")}) == '{"a": "x", "b": 1}'
    assert canonical_json({"b": [1, 2], "a": None}, compact=True) == '{"a":null,"b":[1,2]}'


def test_stored_digests_keep_their_values() -> None:
    assert model_key("ets", {"window": 182, "damped": True}) == "45a87928f9d9"  # sha1/12
    # sha256/12
    assert model_version_id("profile", {"window": 91}, {"numpy": "2.0"}) == "profile-0d9ff8e7e570"
    record = {"source": "/x/y.toml", "seed": 42, "levels": [80, 95], "b": {"z": 1, "a": None}}
    assert config_sha256(record) == "de58d5dbdd092400da6d6985ede617aad79cce7bec815a54f6507cdf193d51b1"  # /64
    assert config_sha256({**record, "source": "/elsewhere.toml"}) == config_sha256(record)
    # a run's model-set version (planfact.runs.configs.model_set_version): sha256/16
    libraries = {"config": "abc", "libraries": {"k1": {"numpy": "2.0"}}}
    assert json_digest(libraries, length=16) == "e03f617ed0aa8e17"


def test_only_the_owner_hashes_json() -> None:
    """No module of the product calls json.dumps and a hashlib digest in the same function."""
    found = []
    packages = ("forecasting", "planfact", "reports")
    modules = [p for package in packages for p in (ROOT / package).rglob("*.py")]
    for path in sorted(modules):
        if path == ROOT / "forecasting" / "digests.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = {ast.unparse(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
            if "json.dumps" in calls and any(c.startswith("hashlib.") for c in calls):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not found, f"hash canonical JSON with forecasting.digests.json_digest: {found}"
