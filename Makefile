# planfact: the two set-up commands are `make demo` and `make test`.
# Everything installs into .venv; uv is bootstrapped with pip and pip is the fallback.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := dev,airflow

.PHONY: venv lock demo test lint typecheck contracts check unit tools migrate bench image deploy smoke clean help

help:
	@echo "make demo   - run the monthly job end to end on the embedded database"
	@echo "make test   - install everything, run ruff, mypy, the architecture contracts and every test"
	@echo "make unit   - only tests/unit: no database, no subprocess installs (seconds)"
	@echo "make lock   - update uv.lock and requirements.lock to the newest allowed versions"

$(STAMP): pyproject.toml uv.lock requirements.lock
	@# Installs exactly the versions of uv.lock (every extra), never a fresh resolution: two
	@# machines get the same stack. uv is bootstrapped with pip (a PyPI package, run as
	@# `python -m uv` so no PATH or shim refresh is needed); if uv fails, pip installs the same
	@# pinned versions from requirements.lock (exported from uv.lock by `make lock`; it lists every
	@# dependency, hash-checked, so pip installs it with --no-deps and resolves nothing). A lock
	@# that no longer matches pyproject.toml stops here: `make lock` updates it.
	@set -e; \
	$(PYTHON) -m uv --version >/dev/null 2>&1 || \
	  $(PYTHON) -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1 || true; \
	if $(PYTHON) -m uv --version >/dev/null 2>&1 && ! $(PYTHON) -m uv lock --check --offline -q 2>/dev/null; then \
	  echo "uv.lock does not match pyproject.toml: run \`make lock\` (then make test) and commit both locks" >&2; \
	  exit 1; \
	fi; \
	if $(PYTHON) -m uv --version >/dev/null 2>&1 && \
	   UV_PROJECT_ENVIRONMENT=$(VENV) $(PYTHON) -m uv sync -q --locked --all-extras --python $(PYTHON); then :; \
	else \
	  echo "uv unavailable or failed: installing the locked versions with pip (a few minutes)"; \
	  [ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV); \
	  [ -x $(BIN)/pip ] || $(BIN)/python -m ensurepip --default-pip >/dev/null; \
	  $(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -r requirements.lock; \
	  $(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .; \
	fi
	@touch $(STAMP)

venv: $(STAMP)

# Update the locked versions (what Dependabot would propose): re-resolve everything to the
# newest releases pyproject.toml allows, export the pip fallback, then run `make test`
# before committing uv.lock and requirements.lock. `make lock PACKAGE=celery` moves one only.
lock:
	$(PYTHON) -m uv lock $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade)
	$(PYTHON) -m uv export --frozen --all-extras --no-emit-project --quiet -o requirements.lock

demo: $(STAMP)
	$(BIN)/planfact demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy forecasting reports planfact airflow/dags

contracts: $(STAMP)
	$(BIN)/lint-imports --no-cache

# The static checks (also run by pre-commit before each commit, see .pre-commit-config.yaml).
check: lint typecheck contracts

# The whole suite on every core (pytest-xdist; WORKERS=1 runs it in one process). Each worker
# migrates its own template database; tests sharing a module fixture stay on one worker and the
# longest work starts first (tests/support/schedule.py). The static checks and the report tests'
# Debian tools install side by side before it.
WORKERS ?= auto
PYTEST_XDIST := -n $(WORKERS) --dist loadgroup --no-loadscope-reorder

test: $(STAMP)
	@$(MAKE) --no-print-directory -j2 check tools
	$(BIN)/pytest -q $(PYTEST_XDIST)

# The no-database tier: tests/unit only (tests/conftest.py refuses a database fixture there).
unit: $(STAMP)
	$(BIN)/pytest -q -n $(WORKERS) tests/unit

# The external tools of the report tests (tests/support/office.py): LibreOffice recalculates and
# prints the workbook, Chromium screenshots the page, Ghostscript reads the PDF, Java runs the HTML
# validator (vnu). Installed from Debian when missing and run as root; elsewhere the tests that
# need them skip saying how.
TOOLS := libreoffice:libreoffice-calc chromium:chromium gs:ghostscript java:default-jre-headless

tools:
	@missing=""; for pair in $(TOOLS); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "report tools missing:$$missing (install them as root; their tests skip)"; exit 0; fi; \
	echo "installing the report tests' tools:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	( apt-get update -qq && apt-get install -y -qq$$missing >/dev/null ) || \
	  echo "apt-get could not install$$missing: their tests install or skip on their own"

migrate: $(STAMP)
	$(BIN)/planfact db upgrade

bench: $(STAMP)
	$(BIN)/python bench/load.py
	$(BIN)/python bench/load.py --breakdown
	$(BIN)/python bench/mart.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/report.py --feed messy
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/monthly_run.py
	$(BIN)/python bench/messy.py

# --- deployment (Jenkinsfile: every sh step is one of these; airflow/README.md "First deployment") ---
IMAGE ?= planfact
GIT_SHA := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo dev)
# `docker build` options: --pull fetches the newest registry base images. A machine without a
# registry names local ones instead (the Dockerfile's build arguments), e.g.
#   DOCKER_BUILD_OPTIONS="--network host --build-arg PYTHON_IMAGE=local/python:3.11"
DOCKER_BUILD_OPTIONS ?= --pull
# The Compose v2 plugin (`docker compose`) when the machine has it, else Compose v1 (`docker-compose`,
# Debian's docker-compose package). The project is always named planfact; the deployment's env
# file (PLANFACT_ENV_FILE, else ./.env) holds every setting, COMPOSE_FILE and COMPOSE_PROFILES too.
COMPOSE_COMMAND := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
COMPOSE_PROJECT_NAME ?= planfact
COMPOSE = $(COMPOSE_COMMAND) --project-name $(COMPOSE_PROJECT_NAME) $(if $(PLANFACT_ENV_FILE),--env-file $(PLANFACT_ENV_FILE))

image:
	docker build $(DOCKER_BUILD_OPTIONS) -t $(IMAGE):$(GIT_SHA) -t $(IMAGE):latest .

# Up with this commit's image: postgres first (its first start creates the databases), then the
# airflow-init job migrates planfact and Airflow with the new image before any component starts
# on it; then wait until every service is healthy (`--wait` of Compose v2, done by a script for both).
deploy:
	PLANFACT_IMAGE=$(IMAGE):$(GIT_SHA) $(COMPOSE) up -d --no-build
	sh airflow/config/compose-wait.sh $(COMPOSE_PROJECT_NAME)

smoke:
	PLANFACT_IMAGE=$(IMAGE):$(GIT_SHA) $(COMPOSE) exec -T airflow-scheduler planfact db current
	PLANFACT_IMAGE=$(IMAGE):$(GIT_SHA) $(COMPOSE) exec -T airflow-scheduler planfact runs list

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
