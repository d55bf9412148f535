"""Months, days and the tolerance setting as users type them: one parser each, one wording
(outsider test 1: `report month` and `run month` worded a bad month differently, `--start July`
generated data from year 1, `PLANFACT_VARIANCE_TOLERANCE=2%` was refused while `--tolerance 2%`
was accepted)."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from planfact.cli import build_parser
from planfact.config import load_settings, parse_fraction
from planfact.errors import UsageError
from planfact.periods import day_argument, month_argument, parse_day, parse_month


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2015-7", "expected YYYY-MM, got '2015-7'"),
        ("1900-01", "expected a month in 2000-01..2040-12 (the calendar), got 1900-01"),
        ("2099-01", "expected a month in 2000-01..2040-12 (the calendar), got 2099-01"),
    ],
)
def test_a_month_is_refused_in_the_same_words_everywhere(value: str, problem: str) -> None:
    with pytest.raises(UsageError, match=f"^month: {problem}$".replace("(", r"\(").replace(")", r"\)")):
        parse_month(value)
    with pytest.raises(argparse.ArgumentTypeError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        month_argument(value)
    # every command that takes a month parses it with month_argument, so argparse names it alike
    parser = build_parser()
    for argv in (
        ["report", "month", value],
        ["run", "month", value],
        ["plan", "show", value],
        ["runs", "list", "--month", value],
        ["report", "verify", "--month", value],
    ):
        with pytest.raises(SystemExit) as stop:
            parser.parse_args(argv)
        assert stop.value.code == 2, argv


def test_month_bounds_are_the_calendar() -> None:
    assert parse_month("2000-01") == dt.date(2000, 1, 1)
    assert parse_month("2040-12") == dt.date(2040, 12, 1)
    assert month_argument("2015-07-01") == dt.date(2015, 7, 1)


@pytest.mark.parametrize("value", ["July", "2015-02-30", "15-07-01", "1999-12-31", "2041-01-01", ""])
def test_a_day_is_iso_and_in_the_calendar(value: str) -> None:
    with pytest.raises(UsageError, match="^day: expected a day"):
        parse_day(value)
    with pytest.raises(argparse.ArgumentTypeError, match="expected a day"):
        day_argument(value)


def test_days_parse_and_generate_takes_them() -> None:
    assert parse_day("2015-07-14") == day_argument(" 2015-07-14 ") == dt.date(2015, 7, 14)
    args = build_parser().parse_args(["data", "generate", "--out", "x", "--start", "2015-01-01"])
    assert (args.start, args.end) == (dt.date(2015, 1, 1), dt.date(2015, 12, 31))


@pytest.mark.parametrize(("text", "value"), [("2%", 0.02), ("0.02", 0.02), (" 2.5 % ", 0.025), ("0", 0.0)])
def test_the_tolerance_setting_reads_like_the_option(
    text: str, value: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert parse_fraction(text) == pytest.approx(value)
    monkeypatch.setenv("PLANFACT_VARIANCE_TOLERANCE", text)
    assert load_settings().variance_tolerance == pytest.approx(value)
    args = build_parser().parse_args(["report", "month", "2015-07", "--tolerance", text.strip()])
    assert args.tolerance == pytest.approx(value)


@pytest.mark.parametrize(("text", "problem"), [("2x", "not a number: '2x'"), ("150%", "outside")])
def test_a_bad_tolerance_setting_names_the_variable(
    text: str, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANFACT_VARIANCE_TOLERANCE", text)
    with pytest.raises(UsageError, match=f"^bad setting PLANFACT_VARIANCE_TOLERANCE: .*{problem}"):
        load_settings()
