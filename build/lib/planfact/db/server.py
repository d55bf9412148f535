"""Which database planfact works on: the configured URL, or the embedded server's ``planfact``."""

from __future__ import annotations

from planfact.config import Settings
from planfact.db.admin import ensure_database
from planfact.db.connect import libpq_url
from planfact.db.embedded import start_embedded

__all__ = ["EMBEDDED_DATABASE", "resolve_url"]

EMBEDDED_DATABASE = "planfact"


def resolve_url(settings: Settings) -> str:
    """The configured database, or the embedded server's ``planfact`` database (started on demand)."""
    if settings.database_url:
        return libpq_url(settings.database_url)
    admin = start_embedded(settings.state_dir / "pgdata", settings.embedded_pg_version)
    return ensure_database(admin, EMBEDDED_DATABASE)
