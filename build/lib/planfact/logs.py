"""Structured, quiet-by-default logging (progress bars: ``forecasting.progress``).

Log lines are ``key=value`` text (or JSON with ``PLANFACT_LOG_FORMAT=json``) so that
Airflow task logs and CI output stay greppable. Fields passed with ``extra=`` are kept.

Two set-ups: :func:`configure_logging` for the command line (stderr), and
:func:`configure_task_logging` inside an Airflow task (``pipeline.task_settings`` calls
it). Airflow 3 sends a task's stdlib records through structlog and drops their ``extra=``
fields, and prints stderr lines as errors; so in a task planfact's loggers hand each
record to Airflow's structlog logger themselves, at its own level: with ``json`` the
fields become keys of the task log's JSON event, with ``text`` they are appended to the
message as ``key=value``. Level and format come from ``PLANFACT_LOG_LEVEL`` and
``PLANFACT_LOG_FORMAT`` as on the command line.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

__all__ = ["configure_logging", "configure_task_logging", "record_fields"]

# Attributes every LogRecord has; anything else came in through ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Our loggers, and the keys structlog's event dict already uses (a field named so is renamed).
_OURS = ("forecasting", "reports", "planfact")
_RESERVED = {"event", "level", "logger", "logger_name", "timestamp", "exc_info"}


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of a record."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class _KeyValueFormatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields.update(record_fields(record))
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        if self.as_json:
            return json.dumps(fields, default=str)
        return " ".join(f"{k}={_quote(v)}" for k, v in fields.items())


def _quote(value: Any) -> str:
    text = str(value)
    return json.dumps(text) if (" " in text or "=" in text or not text) else text


def configure_logging(level: str = "WARNING", fmt: str = "text") -> None:
    """Send planfact's logs to stderr at ``level``; libraries stay at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_KeyValueFormatter(as_json=fmt == "json"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in _OURS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = []
        logger.propagate = True
    for noisy in ("cmdstanpy", "prophet", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class _StructlogHandler(logging.Handler):
    """Hands planfact's records to structlog (Airflow's task logger) with their fields."""

    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def emit(self, record: logging.LogRecord) -> None:
        try:
            import structlog

            fields = {(f"field_{k}" if k in _RESERVED else k): v for k, v in record_fields(record).items()}
            event = record.getMessage()
            if not self.as_json and fields:
                event = " ".join([event] + [f"{k}={_quote(v)}" for k, v in fields.items()])
                fields = {}
            if record.exc_info:
                fields["exc_info"] = record.exc_info
            method = getattr(structlog.get_logger(record.name), record.levelname.lower(), None)
            if method is None:  # a custom level: the nearest standard one
                method = structlog.get_logger(record.name).error
            method(event, **fields)
        except Exception:
            self.handleError(record)


def configure_task_logging(level: str = "WARNING", fmt: str = "text") -> None:
    """Inside an Airflow task: planfact's records go to Airflow's task log with their fields.

    Outside Airflow (structlog not configured, e.g. a script calling the pipeline) this is
    :func:`configure_logging` when nothing configured logging yet, else nothing (the host
    application's set-up stays). Safe to call for every task (it replaces its own handler).
    """
    try:
        import structlog

        in_airflow = structlog.is_configured()
    except ImportError:  # no Airflow, no structlog
        in_airflow = False
    if not in_airflow:
        if not logging.getLogger().handlers:
            configure_logging(level, fmt)
        return
    handler = _StructlogHandler(as_json=fmt == "json")
    for name in _OURS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = [handler]
        logger.propagate = False  # Airflow's root handler would log it again, without its fields
    for noisy in ("cmdstanpy", "prophet", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
