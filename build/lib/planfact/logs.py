"""Structured, quiet-by-default logging (progress bars: ``forecasting.progress``).

Log lines are ``key=value`` text (or JSON with ``PLANFACT_LOG_FORMAT=json``) so that
Airflow task logs and CI output stay greppable. Fields passed with ``extra=`` are kept.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

__all__ = ["configure_logging"]

# Attributes every LogRecord has; anything else came in through ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


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
        fields.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
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
    for name in ("forecasting", "reports", "planfact"):
        logging.getLogger(name).setLevel(level)
    for noisy in ("cmdstanpy", "prophet", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
