"""Database access: connections, the embedded server, admin, locks, SQL by name, migrations."""
