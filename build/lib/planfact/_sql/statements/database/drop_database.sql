-- drops a database even while sessions are connected to it (PostgreSQL 13+)
drop database if exists {name} with (force)
