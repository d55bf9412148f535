"""A small known dataset for the mart tests, inserted straight into core.* and forecast.*.

Five series over three stores and two product groups (attributes partly missing, so some
members are 'unknown'), daily actuals May-July 2015 in two data versions (v2 adds July,
restates two June days and adds a series that only sells in July), a gap of three days,
Sunday closures, promos and holidays. Plans of record for June, July and August 2015 (August
has no actuals yet); July also has an experiment run, and a failed production run assigned
later that must not become the plan. Everything expected is computed here in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import psycopg

STORES = [
    # store_id, city, state, store_type, assortment
    ("S1", "Munich", "BY", "a", "basic"),
    ("S2", None, "BY", "a", "extended"),
    ("S3", None, None, "b", "basic"),
]
GROUPS = [("G1", "Food", "food"), ("G2", "Care", None)]
SERIES = {1: ("S1", "G1"), 2: ("S1", "G2"), 3: ("S2", "G1"), 4: ("S3", "G2"), 5: ("S2", "G2")}
NEW_IN_JULY = 5
GAP = (4, date(2015, 6, 20), date(2015, 6, 22))  # series 4 reports nothing these days
RESTATED = {(1, date(2015, 6, 10)): 999.5, (3, date(2015, 6, 30)): 0.0}
CALENDAR_HOLIDAY = date(2015, 7, 3)  # a (made-up) national holiday in the plan month
STATE_HOLIDAY = (date(2015, 6, 4), "a")  # reported with S1's sales only
MONTHS = {6: date(2015, 6, 1), 7: date(2015, 7, 1), 8: date(2015, 8, 1)}
LEVELS = ["total", "store_type", "assortment", "state", "city", "group", "store", "series"]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def true_sales(series_id: int, day: date) -> float:
    """The sales of one series and day as first reported (Sundays closed: 0)."""
    if day.isoweekday() == 7:
        return 0.0
    return round(100.0 * series_id + 7.25 * day.day + 13.5 * day.isoweekday(), 2)


def promo_of(series_id: int, day: date) -> int:
    return int(day.isoweekday() in (1, 2) and (day.isocalendar()[1] + series_id) % 2 == 0)


def forecast_of(series_id: int, day: date, run_key: int) -> float:
    """A deterministic plan that misses the truth by a few percent either way."""
    wobble = ((series_id * 7 + day.day * 3 + run_key) % 11 - 5) / 100.0
    return round(true_sales(series_id, day) * (1 + wobble) + 5.0, 4)


@dataclass
class Dataset:
    """What was inserted, as frames, for the tests' independent computations."""

    v1: pd.DataFrame  # actuals as of version 1 (series_id, sale_date, sales, promo, is_open, ...)
    current: pd.DataFrame  # actuals as of version 2 (the current data)
    plans: dict[date, int]  # target month -> plan-of-record run id
    forecasts: pd.DataFrame  # every forecast row (run_id, series_id, forecast_date, yhat, bounds)
    runs: dict[str, int] = field(default_factory=dict)
    versions: tuple[int, int] = (0, 0)

    def attributes(self) -> pd.DataFrame:
        """series_id -> member of every level, with missing attributes as 'unknown'."""
        rows = []
        stores = {s[0]: s for s in STORES}
        for series_id, (store_id, group_id) in SERIES.items():
            _, city, state, store_type, assortment = stores[store_id]
            rows.append(
                {
                    "series_id": series_id,
                    "total": "all",
                    "store_type": store_type or "unknown",
                    "assortment": assortment or "unknown",
                    "state": state or "unknown",
                    "city": city or "unknown",
                    "group": group_id,
                    "store": store_id,
                    "series": str(series_id),
                }
            )
        return pd.DataFrame(rows)


def _actual_rows() -> list[dict]:
    rows = []
    for series_id in SERIES:
        first = date(2015, 7, 1) if series_id == NEW_IN_JULY else date(2015, 5, 1)
        for day in days(first, date(2015, 7, 31)):
            if series_id == GAP[0] and GAP[1] <= day <= GAP[2]:
                continue
            state_holiday = (
                STATE_HOLIDAY[1] if day == STATE_HOLIDAY[0] and SERIES[series_id][0] == "S1" else "0"
            )
            rows.append(
                {
                    "series_id": series_id,
                    "sale_date": day,
                    "sales": true_sales(series_id, day),
                    "promo": promo_of(series_id, day),
                    "is_open": day.isoweekday() != 7,
                    "state_holiday": state_holiday,
                    "school_holiday": day.day % 5 == 0,
                    "customers": int(true_sales(series_id, day) // 10),
                }
            )
    return rows


INSERT_ACTUAL = (
    "insert into core.actuals (series_id, sale_date, sales, promo, is_open, state_holiday, school_holiday,"
    " customers, valid_from_version) values (%(series_id)s, %(sale_date)s, %(sales)s, %(promo)s,"
    " %(is_open)s, %(state_holiday)s, %(school_holiday)s, %(customers)s, %(version)s)"
)


def _version(conn: psycopg.Connection, name: str) -> int:
    row = conn.execute(
        "insert into core.data_version (source_name, source_sha256, layout) values (%s, %s, 'test')"
        " returning version_id",
        (name, name[0] * 64),
    ).fetchone()
    assert row is not None
    return int(row[0])


def _run(conn: psycopg.Connection, kind: str, month: date, version: int, status: str, metrics: str) -> int:
    row = conn.execute(
        "insert into forecast.run (kind, target_month, data_version, model_version, code_version, status,"
        " metrics, finished_at, started_at) values (%s, %s, %s, 'mv-test', 'abc123', %s, %s::jsonb,"
        " case when %s <> 'running' then timestamptz '2015-06-30 12:00:42+00' end,"
        " timestamptz '2015-06-30 12:00:00+00') returning run_id",
        (kind, month, version, status, metrics, status),
    ).fetchone()
    assert row is not None
    return int(row[0])


def build(conn: psycopg.Connection) -> Dataset:
    """Insert the dataset and commit; return what was inserted."""
    conn.cursor().executemany(
        "insert into core.store (store_id, city, state, store_type, assortment) values (%s, %s, %s, %s, %s)",
        STORES,
    )
    conn.cursor().executemany("insert into core.product_group values (%s, %s, %s)", GROUPS)
    conn.cursor().executemany(
        "insert into core.series (series_id, store_id, group_id) overriding system value values (%s, %s, %s)",
        [(k, *v) for k, v in SERIES.items()],
    )
    conn.execute("update core.calendar set is_holiday = true where calendar_date = %s", (CALENDAR_HOLIDAY,))
    v1, v2 = _version(conn, "a_v1"), _version(conn, "b_v2")
    rows = _actual_rows()
    first = [r for r in rows if r["sale_date"] < date(2015, 7, 1)]
    conn.cursor().executemany(INSERT_ACTUAL, [{**r, "version": v1} for r in first])
    # version 2: the July rows, and two June days restated (old row closed, new row added)
    conn.cursor().executemany(
        INSERT_ACTUAL, [{**r, "version": v2} for r in rows if r["sale_date"].month == 7]
    )
    current = pd.DataFrame(rows)
    for (series_id, day), sales in RESTATED.items():
        conn.execute(
            "update core.actuals set valid_to_version = %s where series_id = %s and sale_date = %s",
            (v2, series_id, day),
        )
        old = next(r for r in rows if r["series_id"] == series_id and r["sale_date"] == day)
        conn.execute(INSERT_ACTUAL, {**old, "sales": sales, "version": v2})
        current.loc[(current.series_id == series_id) & (current.sale_date == day), "sales"] = sales

    conn.execute(
        "insert into forecast.model_version (model_version_id, model_name) values ('m-ets', 'ets'),"
        " ('m-naive', 'seasonal_naive')"
    )
    runs = {
        "june": _run(conn, "production", MONTHS[6], v1, "succeeded", '{"wape": 0.1, "bias": -0.02}'),
        "july": _run(
            conn, "production", MONTHS[7], v1, "succeeded", '{"backtest": {"wape": 0.2, "bias": 0.01}}'
        ),
        "july_experiment": _run(conn, "experiment", MONTHS[7], v1, "succeeded", "{}"),
        "july_failed": _run(conn, "production", MONTHS[7], v1, "failed", "{}"),
        "august": _run(conn, "production", MONTHS[8], v2, "succeeded", '{"wape": 0.3}'),
        "running": _run(conn, "production", MONTHS[8], v2, "running", "{}"),
    }
    forecasts = []
    planned_series = [s for s in SERIES if s != NEW_IN_JULY]
    for key, month in (("june", 6), ("july", 7), ("july_experiment", 7), ("july_failed", 7), ("august", 8)):
        first_day = MONTHS[month]
        last_day = (first_day + timedelta(32)).replace(day=1) - timedelta(1)
        for series_id in planned_series:
            for day in days(first_day, last_day):
                yhat = forecast_of(series_id, day, runs[key])
                forecasts.append(
                    {
                        "run_id": runs[key],
                        "series_id": series_id,
                        "forecast_date": day,
                        "model_version_id": "m-ets" if series_id % 2 else "m-naive",
                        "yhat": yhat,
                        "lo_80": yhat * 0.95,
                        "hi_80": yhat * 1.05,
                        "lo_95": yhat * 0.9,
                        "hi_95": yhat * 1.1,
                    }
                )
        conn.cursor().executemany(
            "insert into forecast.selection (run_id, series_id, model_version_id, reason)"
            " values (%s, %s, %s, 'x')",
            [(runs[key], s, "m-ets" if s % 2 else "m-naive") for s in planned_series],
        )
    conn.cursor().executemany(
        "insert into forecast.forecast_value (run_id, series_id, forecast_date, model_version_id, yhat,"
        " lo_80, hi_80, lo_95, hi_95) values (%(run_id)s, %(series_id)s, %(forecast_date)s,"
        " %(model_version_id)s, %(yhat)s, %(lo_80)s, %(hi_80)s, %(lo_95)s, %(hi_95)s)",
        forecasts,
    )
    for key, month in (("june", 6), ("july", 7), ("july_failed", 7), ("august", 8)):
        conn.execute(
            "insert into forecast.plan_assignment (target_month, run_id, reason) values (%s, %s, 'test')",
            (MONTHS[month], runs[key]),
        )
    conn.commit()
    v1_frame = pd.DataFrame(first)
    return Dataset(
        v1=v1_frame,
        current=current,
        plans={MONTHS[6]: runs["june"], MONTHS[7]: runs["july"], MONTHS[8]: runs["august"]},
        forecasts=pd.DataFrame(forecasts),
        runs=runs,
        versions=(v1, v2),
    )
