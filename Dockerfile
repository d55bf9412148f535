# planfact with Airflow 3: one image for the init job, the Airflow components (api-server,
# scheduler, dag-processor, Celery workers) and the CLI. Build: make image (tags planfact:<git sha>
# and planfact:latest). Every Python package comes from uv.lock: the image has the versions CI tested.
#
# Base images are build arguments so a machine without a registry can build from local ones
# (tests/e2e/test_compose_stack.py): PYTHON_IMAGE is the runtime base (Python 3.11 with venv on
# Debian bookworm), BUILDER_IMAGE the stage that downloads and installs the packages (default: the
# same image). Only the finished venv leaves the builder stage, so whatever the builder needed to
# reach the package index (a proxy's CA bundle, say) never reaches the image.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG BUILDER_IMAGE=${PYTHON_IMAGE}

FROM ${BUILDER_IMAGE} AS build
# The uv that wrote uv.lock (its version is locked there too, in the dev extra).
ARG UV_VERSION=0.13.9
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PYTHONDONTWRITEBYTECODE=1
# uv in a venv of its own; the project's venv at /opt/venv, created by the base image's python3
# so it runs unchanged in the runtime stage (the same base).
RUN python3 -m venv /opt/uv \
    && /opt/uv/bin/pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}" \
    && python3 -m venv --without-pip /opt/venv
WORKDIR /opt/planfact
# The dependencies, exactly uv.lock's versions (--frozen: the lock as committed, never re-resolved).
# This layer, and its copy below, change only with the lock and pyproject.toml: a code change
# does not reinstall them (README.md, the project's readme, comes with the rest below: the
# project itself is not installed here, and the README changes with most commits).
COPY pyproject.toml uv.lock ./
RUN /opt/uv/bin/uv sync --frozen --no-cache --no-install-project --extra airflow
COPY . .
# planfact itself as a wheel (a regular, not editable, install: sql/ and migrations/ ship inside).
RUN /opt/uv/bin/uv build --no-cache --wheel --out-dir /opt/dist

FROM ${PYTHON_IMAGE}
# libgomp1: LightGBM's OpenMP runtime; curl: the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 50000 --gid 0 airflow

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/planfact/airflow/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    PLANFACT_STATE_DIR=/var/lib/planfact \
    PLANFACT_LANDING_DIR=/srv/planfact/landing \
    PLANFACT_REPORT_DIR=/srv/planfact/reports

COPY --from=build /opt/uv /opt/uv
COPY --from=build /opt/venv /opt/venv
COPY . /opt/planfact
# Only planfact's own wheel, with no dependency resolution (they are uv.lock's, above) and no network.
COPY --from=build /opt/dist /opt/dist
RUN /opt/uv/bin/uv pip install --no-cache --offline --no-deps --python /opt/venv/bin/python /opt/dist/*.whl \
    && rm -rf /opt/dist
# Every folder a compose volume mounts is created here and owned by the airflow user (uid 50000):
# a fresh named volume takes the owner of the folder it is mounted on, so the init job can write
# the password file to airflow-auth and tasks their logs to airflow-logs (issue #26, F5).
RUN mkdir -p /opt/airflow/auth /opt/airflow/logs /var/lib/planfact /srv/planfact/landing /srv/planfact/reports \
    && chown -R airflow:0 /opt/airflow /var/lib/planfact /srv/planfact \
    && chmod -R g+rwX /opt/airflow /var/lib/planfact /srv/planfact

WORKDIR /opt/planfact
USER airflow
# Each compose service names its command (airflow api-server, scheduler, ...).
CMD ["planfact", "--help"]
