# planfact with Airflow 3: one image for the init job, the Airflow components and the CLI.
# Build: make image (tags planfact:<git sha> and planfact:latest).
FROM python:3.11-slim-bookworm

# libgomp1: LightGBM's OpenMP runtime; curl: the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 curl \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv \
    && useradd --create-home --uid 50000 --gid 0 airflow

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/planfact/airflow/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    PLANFACT_STATE_DIR=/var/lib/planfact \
    PLANFACT_LANDING_DIR=/srv/planfact/landing \
    PLANFACT_REPORT_DIR=/srv/planfact/reports

WORKDIR /opt/planfact
# Dependencies first so a code change does not reinstall them: the project's requirements
# straight from pyproject.toml, then the code.
COPY pyproject.toml README.md ./
RUN uv pip install --system --no-cache -r pyproject.toml --extra airflow
COPY . .
# A regular (not editable) install: sql/ and migrations/ ship inside the package.
RUN uv pip install --system --no-cache --no-deps . \
    && mkdir -p "$AIRFLOW_HOME" /var/lib/planfact /srv/planfact/landing /srv/planfact/reports \
    && chown -R airflow:0 "$AIRFLOW_HOME" /var/lib/planfact /srv/planfact \
    && chmod -R g+rwX "$AIRFLOW_HOME" /var/lib/planfact /srv/planfact

USER airflow
# Each compose service names its command (airflow api-server, scheduler, ...).
CMD ["planfact", "--help"]
