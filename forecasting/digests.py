"""Digests of JSON-able values: the one place that hashes canonical JSON.

Canonical JSON here is ``json.dumps`` with sorted keys and ``str()`` for what JSON cannot
hold. Every digest of a configuration, a model or a model set comes from ``json_digest``;
the algorithm, length and spacing of each are those its stored values were made with, so the
keys and versions already in a registry stay valid:

========================== ========= ====== ======= =====================================
digest                     algorithm length spacing stored in
========================== ========= ====== ======= =====================================
candidate ``model_key``    sha1      12     default backtests, selections (engine keys)
model version id           sha256    12     ``forecast.model_version`` (``name-<hex>``)
a run's model-set version  sha256    16     ``forecast.run.model_version``
experiments config digest  sha256    64     ``forecast.run.config_sha256``
========================== ========= ====== ======= =====================================

(File bytes are hashed by ``planfact.hashes``; this module hashes values.)
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

__all__ = ["canonical_json", "json_digest"]

_COMPACT = (",", ":")


def canonical_json(value: Any, *, compact: bool = False) -> str:
    """``value`` as JSON with sorted keys (``compact``: no spaces after ``,`` and ``:``)."""
    return json.dumps(value, sort_keys=True, default=str, separators=_COMPACT if compact else None)


def json_digest(
    value: Any,
    *,
    length: int | None = None,
    algorithm: Literal["sha256", "sha1"] = "sha256",
    compact: bool = False,
) -> str:
    """Hex digest of ``canonical_json(value)``, cut to ``length`` hex digits (None: all of it)."""
    digest = hashlib.new(algorithm, canonical_json(value, compact=compact).encode()).hexdigest()
    return digest if length is None else digest[:length]
