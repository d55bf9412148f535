-- whether alembic ever migrated this database (its version table exists on the search path).
select to_regclass('alembic_version') is not null
