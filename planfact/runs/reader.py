"""Read the engine's input from the mart: ``mart.export_training`` as of a data version.

The frame has one row per series and day from each series' first actual to the
last day of the target month (y is NaN after the cutoff) with the columns of the
contract: series_id, ds (datetime64), y, promo, is_open, is_holiday,
school_holiday, store_id, group_id, store_type. It is streamed with COPY as CSV,
which is several times faster than fetching a million tuples.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

import psycopg

from forecasting.calendar import Calendar, MonthCalendar
from planfact.db.queries import fetch_one, statement
from planfact.errors import PlanfactError, UsageError
from planfact.versions import latest_version, version_as_of_month

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRAINING_COLUMNS", "resolve_data_version", "read_training"]

TRAINING_COLUMNS: tuple[str, ...] = (
    "series_id", "ds", "y", "promo", "is_open", "is_holiday", "school_holiday",
    "store_id", "group_id", "store_type",
)  # fmt: skip
_FLAGS = ("is_open", "is_holiday", "school_holiday")


def resolve_data_version(conn: psycopg.Connection, data_version: int | None, cutoff: dt.date,
                         calendar: Calendar | None = None) -> int:
    """The given data version, or the one as of the close of ``cutoff``'s month; refused when
    its actuals end before ``cutoff``.

    The default makes a run a function of its month: the forecast of 2015-08 reads the data
    as of July's close (its load, its restatements, August's planned flags) whatever landed
    since; before any later month is loaded that is the newest version. A forecast of a
    month needs history up to the day before it: forecasting 2015-09 from data that ends in
    June would silently skip two months. ``calendar`` (default: calendar months) says
    which period ``cutoff`` closes.
    """
    if data_version is None:
        closed = (calendar if calendar is not None else MonthCalendar()).period_of(cutoff).start
        data_version = version_as_of_month(conn, closed) or latest_version(conn)
        if data_version is None:
            raise PlanfactError("no data version loaded yet: run `planfact load actuals FILE` first")
    row = fetch_one(conn, "runs/data_version_end", {"data_version": data_version})
    if not row:
        raise UsageError(
            f"--data-version: version {data_version} does not exist (see `planfact data versions`)"
        )
    data_end, data_start = row[1], row[2]
    month = cutoff + dt.timedelta(days=1)
    # The month is a valid argument but the data cannot forecast it: bad input (exit 1), refused
    # before a run is registered, so no failed run is left behind.
    if data_end is not None and data_end < cutoff:
        raise PlanfactError(
            f"data version {data_version} has actuals up to {data_end}; a forecast of the month "
            f"starting {month} needs them up to {cutoff} (load the missing months)"
        )
    if data_start is None or data_start > cutoff:
        since = f"from {data_start}" if data_start else "none"
        raise PlanfactError(
            f"data version {data_version} has no actuals before {month} (its actuals: {since}); "
            f"a forecast of the month starting {month} needs history before it"
        )
    return data_version


def read_training(
    conn: psycopg.Connection, data_version: int, cutoff: dt.date, run_id: int | None = None
) -> pd.DataFrame:
    """``mart.export_training(data_version, cutoff)`` as a DataFrame (see module docstring),
    without the series run ``run_id`` left out (``forecast.run_excluded_series``)."""
    import pandas as pd

    buffer = io.BytesIO()
    with conn.cursor() as cur, cur.copy(
        statement("runs/export_training"),  # type: ignore[arg-type]
        {"data_version": data_version, "cutoff": cutoff, "run_id": run_id},
    ) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    frame = pd.read_csv(
        buffer,
        dtype={"series_id": "int64", "y": "float64", "promo": "float64", "store_id": "string",
               "group_id": "string", "store_type": "string"},
        parse_dates=["ds"],
        keep_default_na=True,
    )
    if frame.empty:
        left_out = "" if run_id is None else (
            f" (or run {run_id} left every series out as discontinued: see `planfact runs show {run_id}`)")
        raise PlanfactError(
            f"mart.export_training returned no rows for data version {data_version} and cutoff {cutoff}"
            + left_out
        )
    for column in _FLAGS:
        values = frame[column]
        # The mart fills every flag; a null here would be a mart bug, so keep it visible as NaN.
        frame[column] = values.astype("int64") if not values.isna().any() else values.astype("float64")
    for column in ("store_id", "group_id", "store_type"):
        frame[column] = frame[column].astype(object)
    frame["ds"] = frame["ds"].astype("datetime64[ns]")
    return frame
