"""The fold generator: monthly folds, month-end cutoffs, no overlap with the future."""

import datetime as dt

import pytest

from forecasting.backtest import rolling_origin_folds
from forecasting.calendar import is_month_end, month_end, target_month


def test_three_monthly_folds_before_the_target_month():
    folds = list(rolling_origin_folds(dt.date(2015, 6, 30), 3))
    assert [f.number for f in folds] == [1, 2, 3]
    assert [(f.test_start, f.test_end) for f in folds] == [
        (dt.date(2015, 4, 1), dt.date(2015, 4, 30)),
        (dt.date(2015, 5, 1), dt.date(2015, 5, 31)),
        (dt.date(2015, 6, 1), dt.date(2015, 6, 30)),
    ]
    assert [f.cutoff for f in folds] == [dt.date(2015, 3, 31), dt.date(2015, 4, 30),
                                         dt.date(2015, 5, 31)]
    for fold in folds:
        assert is_month_end(fold.cutoff) and fold.cutoff < fold.test_start
        assert fold.horizon == fold.test_end.day


def test_warmup_folds_come_first_with_numbers_up_to_zero():
    folds = list(rolling_origin_folds(dt.date(2015, 3, 31), 2, warmup_folds=2))
    assert [f.number for f in folds] == [-1, 0, 1, 2]
    assert folds[0].test_start == dt.date(2014, 12, 1)
    assert folds[1].test_end == dt.date(2015, 1, 31)
    assert folds[2].test_end == dt.date(2015, 2, 28)


def test_history_window():
    (fold,) = rolling_origin_folds(dt.date(2015, 6, 30), 1, history_days=365)
    assert fold.train_start == dt.date(2014, 6, 1)
    assert (fold.cutoff - fold.train_start).days + 1 == 365


def test_bad_arguments():
    with pytest.raises(ValueError, match="not the last day"):
        list(rolling_origin_folds(dt.date(2015, 6, 29), 3))
    with pytest.raises(ValueError, match="n_folds"):
        list(rolling_origin_folds(dt.date(2015, 6, 30), 0))


def test_month_helpers():
    assert month_end(dt.date(2016, 2, 10)) == dt.date(2016, 2, 29)
    assert target_month(dt.date(2015, 12, 31)) == (dt.date(2016, 1, 1), dt.date(2016, 1, 31))


def test_folds_are_periods_of_a_retail_calendar():
    from forecasting.retail_calendar import RetailCalendar

    calendar = RetailCalendar("445", year_end_month=1, week_end="fri")
    p10 = calendar.parse("FY2012-P10")
    folds = list(rolling_origin_folds(p10.end, 3, warmup_folds=1, calendar=calendar, history_days=364))
    assert [f.number for f in folds] == [0, 1, 2, 3]
    expected = [calendar.shift(p10, k) for k in (-3, -2, -1, 0)]
    assert [(f.test_start, f.test_end) for f in folds] == [(p.start, p.end) for p in expected]
    for fold, period in zip(folds, expected, strict=True):
        assert fold.cutoff == period.start - dt.timedelta(days=1)
        assert fold.horizon == 7 * period.weeks
        assert (fold.cutoff - fold.train_start).days + 1 == 364
    with pytest.raises(ValueError, match="not the last day of a period"):
        list(rolling_origin_folds(p10.end - dt.timedelta(days=1), 2, calendar=calendar))


def test_target_period_follows_the_cutoff():
    from forecasting.calendar import MonthCalendar, target_period
    from forecasting.retail_calendar import RetailCalendar

    assert target_period(MonthCalendar(), dt.date(2015, 6, 30)).start == dt.date(2015, 7, 1)
    with pytest.raises(ValueError, match="not the last day of a month"):
        target_period(MonthCalendar(), dt.date(2015, 6, 29))
    calendar = RetailCalendar("445", year_end_month=1, week_end="fri")
    p10 = calendar.parse("FY2012 P10")
    assert target_period(calendar, p10.start - dt.timedelta(days=1)) == p10
    with pytest.raises(ValueError, match="not the last day of a period"):
        target_period(calendar, p10.start)
