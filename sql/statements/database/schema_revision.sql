-- the alembic revision the database is at (run only once alembic_version exists).
select v.version_num from alembic_version as v
