"""Names of a report's month: a calendar month ('July 2015') or a fiscal period ('P10 FY2012')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

__all__ = ["FiscalPeriod", "month_name", "previous_label", "month_header"]


@dataclass(frozen=True)
class FiscalPeriod:
    """A fiscal period's header ('P10 FY2012, 4 weeks, 2012-10-27..2012-11-23'), short name and
    its predecessor's name and first day (the application computes them from its calendar)."""

    header: str
    name: str
    previous_name: str
    previous_start: date


class ReportData(Protocol):
    """What the names need of a report (``reports.model.ReportData``)."""

    @property
    def period(self) -> FiscalPeriod | None: ...

    @property
    def month(self) -> date: ...

    @property
    def previous_month(self) -> date: ...


def month_name(data: ReportData) -> str:
    """'July 2015', or the fiscal period's 'P10 FY2012'."""
    return data.period.name if data.period else data.month.strftime("%B %Y")


def previous_label(data: ReportData) -> str:
    """The name of the month (period) before the report's."""
    return data.period.previous_name if data.period else data.previous_month.strftime("%B %Y")


def month_header(data: ReportData) -> str:
    """The report month in full: the fiscal header, or 'July 2015'."""
    return data.period.header if data.period else month_name(data)
