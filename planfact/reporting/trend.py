"""The month totals a report compares across months: the accuracy trend, the previous month and
year to date, all like with like.

Every month is read from the same rows as the report month's summary (``mart.plan_fact_monthly``
at the total level, series-day absolute errors, the gross actual), less the plan of
its unreported series-days (``planfact.reporting.completeness``). So WAPE and bias have one
definition in the whole report: the trend's point of the report month is the summary's figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg

from forecasting.calendar import Calendar, MonthCalendar
from planfact.db.queries import execute
from planfact.reporting.completeness import unreported_plan_by_month
from reports.model import AccuracyPoint, Figures

__all__ = ["MonthTotals", "read_month_totals", "TREND_MONTHS"]

TREND_MONTHS = 13  # the month and the twelve before it


@dataclass(frozen=True)
class MonthTotals:
    """Like-for-like total figures of the months up to the report month that have actuals."""

    month: date
    figures: dict[date, Figures]  # month -> its total (plan of unreported series-days taken out)
    points: list[AccuracyPoint]
    calendar: Calendar = field(default_factory=MonthCalendar)  # months are its periods

    @property
    def previous(self) -> Figures | None:
        period = self.calendar.period_of(self.month)
        return self.figures.get(self.calendar.shift(period, -1).start)

    @property
    def year_to_date(self) -> Figures:
        """Plan and actual from the (fiscal) year's first month to the report month (months with a
        plan of record)."""
        year = self.calendar.period_of(self.month).year
        months = [f for m, f in self.figures.items()
                  if self.calendar.period_of(m).year == year and m <= self.month]
        actuals = [f.actual for f in months if f.actual is not None]
        return Figures(plan=sum(f.plan for f in months), actual=sum(actuals) if actuals else None)


def read_month_totals(conn: psycopg.Connection, month: date, calendar: Calendar | None = None) -> MonthTotals:
    """The totals of ``month`` and the ``TREND_MONTHS - 1`` months (periods of ``calendar``) before it."""
    calendar = calendar if calendar is not None else MonthCalendar()
    first = calendar.shift(calendar.period_of(month), 1 - TREND_MONTHS).start
    to_come = unreported_plan_by_month(conn, first, month)
    cur = execute(conn, "reports/accuracy_trend", {"first_month": first, "month": month})
    columns = [c.name for c in cur.description or []]
    figures: dict[date, Figures] = {}
    points: list[AccuracyPoint] = []
    for values in cur.fetchall():
        row: dict[str, Any] = dict(zip(columns, values, strict=True))
        target = row["target_month"]
        fig = Figures(
            plan=float(row["plan"] or 0.0) - to_come.get(target, 0.0),
            actual=float(row["actual"]),
            abs_error=None if row["abs_error"] is None else float(row["abs_error"]),
            coverage_80=_float(row["coverage_80"]),
            coverage_95=_float(row["coverage_95"]),
            days=row["actual_days"] if target in to_come else row["days"],
            returns=float(row["returns"] or 0.0),
        )
        figures[target] = fig
        points.append(
            AccuracyPoint(
                target, row["run_id"], fig.wape, fig.bias, _float(row["mape"]),
                fig.coverage_80, fig.coverage_95,
            )  # fmt: skip
        )
    return MonthTotals(month, figures, points, calendar)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
