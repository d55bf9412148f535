"""The landing folder: which files it holds, of which kind and month, and which a month may load.

Names (``.csv`` or ``.csv.gz``): ``actuals_YYYY-MM[_suffix]``, ``plan_YYYY-MM[_suffix]`` (on a
fiscal calendar ``actuals_FY2012-P10[_suffix]`` and ``plan_FY2012-P10[_suffix]``: named by
period), ``stores[_suffix]`` and ``holidays[_suffix]``; anything else is left alone (see
``planfact.pipeline``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from forecasting.calendar import Calendar, MonthCalendar

__all__ = ["LandingFile", "landing_files", "due_files"]

_MONTHLY = re.compile(r"^(?P<kind>actuals|plan)_(?P<month>\d{4}-\d{2})(?:[_-][\w-]*)?\.csv(?:\.gz)?$")
# On a fiscal calendar files are named by period: actuals_FY2012-P10[_suffix].csv[.gz]
_FISCAL = re.compile(r"^(?P<kind>actuals|plan)_(?P<month>FY\d{4}-P\d{2})(?:[_-][\w-]*)?\.csv(?:\.gz)?$")
_REFERENCE = re.compile(r"^(?P<kind>stores|holidays)(?:[_-][\w-]*)?\.csv(?:\.gz)?$")
# Reference data first (actuals name their stores), then actuals, then the plans.
_ORDER = {"stores": 0, "holidays": 1, "actuals": 2, "plan": 3}


@dataclass(frozen=True)
class LandingFile:
    """One recognised file of the landing folder; ``month`` is None for reference data."""

    kind: str
    month: dt.date | None
    path: Path


def landing_files(landing_dir: Path, calendar: Calendar | None = None) -> list[LandingFile]:
    """The recognised files of ``landing_dir`` in load order (kind, month, name).

    On a fiscal ``calendar`` the files of a period are named ``actuals_FY2012-P10*``
    (``month`` is then the period's first day).
    """
    if not landing_dir.is_dir():
        return []
    fiscal = calendar is not None and not isinstance(calendar, MonthCalendar)
    found: list[LandingFile] = []
    for path in landing_dir.iterdir():
        if not path.is_file():
            continue
        if fiscal and calendar is not None and (match := _FISCAL.match(path.name)):
            try:
                found.append(LandingFile(match["kind"], calendar.parse(match["month"]).start, path))
            except ValueError:
                continue
        elif not fiscal and (match := _MONTHLY.match(path.name)):
            year, month = map(int, match["month"].split("-"))
            if 1 <= month <= 12:
                found.append(LandingFile(match["kind"], dt.date(year, month, 1), path))
        elif match := _REFERENCE.match(path.name):
            found.append(LandingFile(match["kind"], None, path))
    return sorted(found, key=lambda f: (_ORDER[f.kind], f.month or dt.date.min, f.path.name))


def due_files(files: Iterable[LandingFile], month: dt.date, calendar: Calendar) -> list[LandingFile]:
    """The files a run for ``month`` may load: nothing named after the month it closes (+1 for plans)."""
    limit = {"actuals": month, "plan": calendar.shift(calendar.period_of(month), 1).start}
    return [f for f in files if f.month is None or f.month <= limit[f.kind]]
