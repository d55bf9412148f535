"""Logging inside Airflow tasks: planfact's structured fields reach structlog (Airflow 3's task
logger) at the settings' level and format; a run without a logical date is refused clearly."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog
from structlog.testing import capture_logs

from planfact.errors import PlanfactError
from planfact.logs import configure_task_logging
from planfact.pipeline import interval_month

OURS = ("planfact", "forecasting", "reports")


@pytest.fixture
def restored() -> Iterator[None]:
    """Put planfact's loggers and structlog back as they were."""
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).handlers[:], logging.getLogger(n).propagate)
             for n in OURS}
    try:
        yield
    finally:
        for name, (level, handlers, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate
        structlog.reset_defaults()


def test_json_format_keeps_the_fields_as_keys(restored: None) -> None:
    with capture_logs() as logs:  # structlog configured, as Airflow does in a task process
        configure_task_logging("INFO", "json")
        logging.getLogger("planfact.pipeline").info(
            "landed", extra={"file": "actuals_2015-07.csv.gz", "version": 4, "month": "2015-07"})
        logging.getLogger("planfact.runs").debug("below the level")
    assert logs == [{"event": "landed", "file": "actuals_2015-07.csv.gz", "version": 4, "month": "2015-07",
                     "log_level": "info"}]


def test_text_format_puts_the_fields_in_the_message(restored: None) -> None:
    with capture_logs() as logs:
        configure_task_logging("WARNING", "text")
        logging.getLogger("forecasting.engine").warning("slow series", extra={"series": 12, "note": "a b"})
        logging.getLogger("planfact.pipeline").info("below the level")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("planfact.runs").exception("failed", extra={"level": "x"})
    assert logs[0] == {"event": 'slow series series=12 note="a b"', "log_level": "warning"}
    assert logs[1]["event"] == "failed field_level=x" and logs[1]["log_level"] == "error"
    assert logs[1]["exc_info"][0] is ValueError
    assert len(logs) == 2


def test_outside_airflow_an_existing_setup_is_left_alone(restored: None) -> None:
    structlog.reset_defaults()
    root = logging.getLogger()
    before = root.handlers[:]
    configure_task_logging("DEBUG", "json")
    assert root.handlers == before  # pytest's own handlers stay
    assert not any(type(h).__name__ == "_StructlogHandler" for h in logging.getLogger("planfact").handlers)


def test_a_run_without_a_logical_date_has_no_month() -> None:
    import datetime as dt

    assert interval_month(dt.datetime(2015, 7, 1, tzinfo=dt.UTC)) == "2015-07"
    with pytest.raises(PlanfactError) as refused:
        interval_month(None)
    # What airflow/README.md's Manual runs give and tests/e2e/test_airflow_scheduler.py runs.
    message = str(refused.value)
    assert "no logical date (a manual trigger without --logical-date)" in message
    trigger = "`airflow dags trigger planfact_monthly --logical-date 2015-07-01T00:00:00+00:00` runs July"
    assert trigger in message
    assert "`airflow tasks clear planfact_monthly -s 2015-07-01 -e 2015-07-01 -y`" in message
