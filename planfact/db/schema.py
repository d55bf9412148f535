"""Is the database's schema the one this planfact needs? Checked before every command that uses it.

The embedded default database is migrated on the spot (as ``planfact demo`` does); a database
named by ``PLANFACT_DATABASE_URL`` is never changed behind its owner's back: a missing or older
schema is a one-line UsageError naming the command that applies it (``planfact db upgrade``).

Cheap on purpose (every command pays it): the database's revision is one query, and the head
is read from the packaged migration files' ``revision``/``down_revision`` lines instead of
importing alembic; ``tests/unit`` checks it against alembic's own answer.
"""

from __future__ import annotations

import logging
import re
from importlib import resources

import psycopg

from planfact.db.connect import libpq_url, shown_url
from planfact.db.locks import advisory_lock
from planfact.db.queries import execute
from planfact.errors import UsageError

__all__ = ["packaged_revisions", "packaged_head", "database_revision", "ensure_schema"]

log = logging.getLogger(__name__)

_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


def packaged_revisions() -> dict[str, str | None]:
    """revision -> down_revision of every packaged migration file."""
    found: dict[str, str | None] = {}
    folder = resources.files("planfact._migrations").joinpath("versions")
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("__"):
            continue
        values = {m.group(1): m.group(2) for m in _ASSIGN.finditer(entry.read_text(encoding="utf-8"))}
        if values.get("revision"):
            found[str(values["revision"])] = values.get("down_revision")
    return found


def packaged_head() -> str | None:
    """The revision no other migration builds on (None when there are no migrations)."""
    revisions = packaged_revisions()
    parents = {down for down in revisions.values() if down}
    heads = sorted(set(revisions) - parents)
    return heads[-1] if heads else None


def database_revision(url: str) -> str | None:
    """The revision of the database at ``url``, None when it has no planfact schema."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        exists = execute(conn, "database/has_revision_table").fetchone()
        if not (exists and exists[0]):
            return None
        row = execute(conn, "database/schema_revision").fetchone()
    return str(row[0]) if row and row[0] else None


def ensure_schema(url: str, *, embedded: bool) -> None:
    """Migrate the embedded database to head, or refuse an external one that is not at head."""
    head = packaged_head()
    current = database_revision(url)
    if current == head:
        return
    if embedded:
        from planfact.db.migrate import upgrade

        with (
            psycopg.connect(libpq_url(url)) as conn,
            conn.transaction(),
            advisory_lock(conn, "schema", "upgrade"),
        ):
            upgrade(url)  # a second command waiting here finds the schema at head: a no-op
        log.info("migrated the embedded database", extra={"from": current, "to": head})
        return
    where = shown_url(url)
    if current is None:
        raise UsageError(f"{where} has no planfact schema: run `planfact db upgrade` to create it")
    revisions = packaged_revisions()
    if current in revisions:
        raise UsageError(
            f"{where} is at schema revision {current}, this planfact needs {head}: "
            "run `planfact db upgrade` to apply the missing migrations"
        )
    raise UsageError(
        f"{where} is at schema revision {current}, which this planfact does not know "
        f"(its newest is {head}): a newer planfact migrated it, upgrade planfact"
    )
