#!/usr/bin/env bash
# First start of the postgres volume only (docker-entrypoint-initdb.d): the planfact
# database and its owner, and Airflow's metadata database and its owner, on one server.
# Passwords come from the container's environment (.env); psql quotes them (:'var').
# planfact's owner may create roles: its migrations create planfact_etl and planfact_reader.
set -euo pipefail
: "${PLANFACT_DB_PASSWORD:?set PLANFACT_DB_PASSWORD in .env}"
: "${AIRFLOW_DB_PASSWORD:?set AIRFLOW_DB_PASSWORD in .env}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v planfact_password="$PLANFACT_DB_PASSWORD" \
    -v airflow_password="$AIRFLOW_DB_PASSWORD" <<'SQL'
create role planfact login createrole password :'planfact_password';  -- pragma: allowlist secret (psql variable)
create database planfact owner planfact;
create role airflow login password :'airflow_password';  -- pragma: allowlist secret (psql variable)
create database airflow owner airflow;
SQL
