"""Rolling-origin backtest design: a pure generator of folds that are periods of a calendar.

A fold is one period of evaluation (a calendar month by default, or a fiscal period of a
retail calendar passed in as ``calendar``) whose training data ends on the last day of
the period before (the fold's cutoff). Folds step back one period at a time from the
target period, so every fold mirrors the production situation: forecast a whole period
from data that ends at a period boundary. Nothing here reads data; the engine slices
arrays with the dates yielded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from forecasting.calendar import (
    Calendar,
    MonthCalendar,
    is_month_end,
    month_cutoff,
    month_start,
    period_cutoff,
)

__all__ = ["Fold", "rolling_origin_folds"]


@dataclass(frozen=True)
class Fold:
    """One fold: train on [train_start, cutoff], evaluate on [test_start, test_end].

    ``number`` counts from 1 (oldest evaluated fold) to n; warm-up folds (used only to
    rank members of a combination) have numbers <= 0.
    """

    number: int
    train_start: dt.date | None
    cutoff: dt.date
    test_start: dt.date
    test_end: dt.date

    @property
    def horizon(self) -> int:
        """Number of days in the test month."""
        return (self.test_end - self.test_start).days + 1


def rolling_origin_folds(
    cutoff: dt.date,
    n_folds: int,
    *,
    history_days: int | None = None,
    warmup_folds: int = 0,
    calendar: Calendar | None = None,
) -> Iterator[Fold]:
    """Yield the folds for a run whose last actual day is ``cutoff``, oldest first.

    The ``n_folds`` evaluation folds test the ``n_folds`` months ending at ``cutoff``'s
    month; ``warmup_folds`` more months before them are yielded first with numbers
    ``0, -1, ...``. ``history_days`` limits each fold's training window (None = all).
    ``calendar`` (default: calendar months) cuts the folds: ``cutoff`` must end one of
    its periods, and each fold tests one whole period.
    """
    if n_folds < 1:
        raise ValueError(f"n_folds must be >= 1, got {n_folds}")
    if warmup_folds < 0:
        raise ValueError(f"warmup_folds must be >= 0, got {warmup_folds}")
    total = n_folds + warmup_folds
    if calendar is not None and not isinstance(calendar, MonthCalendar):
        yield from _period_folds(calendar, cutoff, total, history_days, warmup_folds)
        return
    if not is_month_end(cutoff):
        raise ValueError(f"cutoff {cutoff} is not the last day of a month")
    # Walk back month by month: the test month of the newest fold ends at ``cutoff``.
    ends = [cutoff]
    for _ in range(total - 1):
        ends.append(month_cutoff(ends[-1]))
    for index, test_end in enumerate(reversed(ends)):
        test_start = month_start(test_end)
        fold_cutoff = month_cutoff(test_start)
        train_start = (
            fold_cutoff - dt.timedelta(days=history_days - 1) if history_days else None
        )
        yield Fold(index + 1 - warmup_folds, train_start, fold_cutoff, test_start, test_end)


def _period_folds(
    calendar: Calendar, cutoff: dt.date, total: int, history_days: int | None, warmup_folds: int
) -> Iterator[Fold]:
    """The folds of a non-month calendar: the ``total`` periods ending at ``cutoff``, oldest first."""
    newest = calendar.period_of(cutoff)
    if newest.end != cutoff:
        raise ValueError(f"cutoff {cutoff} is not the last day of a period of the calendar")
    for index in range(total):
        period = calendar.shift(newest, index - total + 1)
        fold_cutoff = period_cutoff(period.start)
        train_start = fold_cutoff - dt.timedelta(days=history_days - 1) if history_days else None
        yield Fold(index + 1 - warmup_folds, train_start, fold_cutoff, period.start, period.end)
