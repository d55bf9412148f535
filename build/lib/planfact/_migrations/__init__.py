"""The alembic migrations, shipped as package data ``planfact._migrations`` (see ``planfact.db.migrate``)."""
