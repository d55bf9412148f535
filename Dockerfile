# planfact with Airflow 3: one image for the init job, the Airflow components (api-server,
# scheduler, dag-processor, Celery workers) and the CLI. Build: make image (tags planfact:<git sha>
# and planfact:latest). Every Python package comes from uv.lock: the image has the versions CI tested.
FROM python:3.11-slim-bookworm

# The uv that wrote uv.lock (its version is locked there too, in the dev extra).
ARG UV_VERSION=0.13.9

# libgomp1: LightGBM's OpenMP runtime; curl: the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 curl \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==${UV_VERSION}" \
    && useradd --create-home --uid 50000 --gid 0 airflow

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/planfact/airflow/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    PLANFACT_STATE_DIR=/var/lib/planfact \
    PLANFACT_LANDING_DIR=/srv/planfact/landing \
    PLANFACT_REPORT_DIR=/srv/planfact/reports \
    UV_PROJECT_ENVIRONMENT=/usr/local \
    UV_LINK_MODE=copy

WORKDIR /opt/planfact
# Dependencies first so a code change does not reinstall them: exactly uv.lock's versions
# (--frozen: the lock as committed, never re-resolved; --inexact: keep pip and uv of the base image).
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --inexact --no-cache --no-install-project --extra airflow
COPY . .
# planfact itself as a regular (not editable) install: sql/ and migrations/ ship inside the package.
RUN uv sync --frozen --inexact --no-cache --no-editable --extra airflow \
    && mkdir -p "$AIRFLOW_HOME" /var/lib/planfact /srv/planfact/landing /srv/planfact/reports \
    && chown -R airflow:0 "$AIRFLOW_HOME" /var/lib/planfact /srv/planfact \
    && chmod -R g+rwX "$AIRFLOW_HOME" /var/lib/planfact /srv/planfact

USER airflow
# Each compose service names its command (airflow api-server, scheduler, ...).
CMD ["planfact", "--help"]
