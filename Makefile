# planfact: the two set-up commands are `make demo` and `make test`.
# Everything installs into .venv; uv is bootstrapped with pip and pip is the fallback.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := dev,airflow

.PHONY: venv demo test lint typecheck unit slow migrate bench image deploy smoke clean help

help:
	@echo "make demo   - run the monthly job end to end on the embedded database"
	@echo "make test   - install everything and run ruff and the whole test suite"

$(STAMP): pyproject.toml
	@# uv: bootstrap it with pip when missing; any failure falls back to plain pip.
	@set -e; \
	if [ ! -x $(BIN)/python ]; then \
	  ( command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install -q --disable-pip-version-check uv ) >/dev/null 2>&1 || true; \
	  if command -v uv >/dev/null 2>&1; then uv venv -q --python $(PYTHON) $(VENV); \
	  else $(PYTHON) -m venv $(VENV); fi; \
	fi; \
	if command -v uv >/dev/null 2>&1 && uv pip install -q --python $(BIN)/python -e ".[$(EXTRAS)]"; then :; \
	else \
	  [ -x $(BIN)/pip ] || $(BIN)/python -m ensurepip -q; \
	  $(BIN)/python -m pip install -q --disable-pip-version-check -e ".[$(EXTRAS)]"; \
	fi
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/planfact db upgrade
	$(BIN)/planfact --help

lint: $(STAMP)
	$(BIN)/ruff check forecasting reports airflow migrations tests bench

typecheck: $(STAMP)
	$(BIN)/mypy forecasting reports

test: lint
	$(BIN)/pytest -q

unit: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

migrate: $(STAMP)
	$(BIN)/planfact db upgrade

bench: $(STAMP)
	$(BIN)/python bench/load.py
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
