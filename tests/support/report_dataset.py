"""A small known dataset for the report-content tests, written straight into core.* and forecast.*.

Five stores labelled by every rule of mart.member_label (a city, a Rossmann-like type and
assortment, the source's own name), three product groups (one whose id is a code with its
own name), 15 series with distinctive ids (9101..9115). April..July 2015 have a plan of
record and actuals; actuals run 5 % + store and group effects above plan, so the plan's bias
persists. July has one closed store-day on a promo holiday (the largest miss), a series with
returns on three days and a series whose plan and actuals are both negative (net returns).
August has a plan and actuals for its first ``AUGUST_DAYS`` days only (a partial month).
September (loaded only when asked) is partial store by store: store ``SEPTEMBER_GAP`` reported
nothing from its ``SEPTEMBER_GAP`` day on, and one series of another store is sparse (no row on
the days of ``SPARSE``, while its store reported them: it sold nothing).

Every figure is computed here from the same ``facts`` the database gets, so tests compare
the report with an independent computation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import psycopg

from planfact.mart import refresh_mart

__all__ = [
    "STORES",
    "GROUPS",
    "MONTHS",
    "JULY",
    "AUGUST",
    "AUGUST_DAYS",
    "SEPTEMBER",
    "SEPTEMBER_GAP",
    "SPARSE",
    "CLOSED",
    "Fact",
    "facts",
    "series_id",
    "store_label",
    "group_label",
    "series_label",
    "load_known_dataset",
]

# store_id, store_name, city, state, store_type, assortment
STORES = [
    ("701", None, "Quito", "Pichincha", "A", None),
    ("702", None, "Guayaquil", "Guayas", "B", None),
    ("703", None, None, None, "c", "a"),
    ("704", "Downtown Flagship", "Quito", "Pichincha", "A", None),
    ("705", None, "Cuenca", "Azuay", "B", None),
]
GROUPS = [("GROCERY I", "GROCERY I"), ("BEVERAGES", "BEVERAGES"), ("dep_17", "Dairy")]
MONTHS = [date(2015, 4, 1), date(2015, 5, 1), date(2015, 6, 1), date(2015, 7, 1)]
JULY, AUGUST, SEPTEMBER = date(2015, 7, 1), date(2015, 8, 1), date(2015, 9, 1)
AUGUST_DAYS = 26
SEPTEMBER_GAP = ("702", 21)  # store 702 has no actuals from 21 September on
SPARSE = (("704", "dep_17"), (5, 10, 30))  # no row those days: the store reported, the series sold nothing
CLOSED = ("704", date(2015, 7, 14))  # closed all day, on promotion, a holiday
STORE_EFFECT = {"701": 0.08, "702": -0.06, "703": 0.03, "704": 0.05, "705": -0.02}
GROUP_EFFECT = {"GROCERY I": 0.02, "BEVERAGES": -0.04, "dep_17": 0.01}
RETURNS = (("705", "BEVERAGES"), (20, 21, 22), -40.0)  # three days of net returns
NET_RETURNS = ("703", "dep_17")  # plan and actual negative all month


@dataclass(frozen=True)
class Fact:
    store: str
    group: str
    day: date
    plan: float
    actual: float | None
    promo: int
    is_open: bool


def series_id(store: str, group: str) -> int:
    i = [s[0] for s in STORES].index(store)
    j = [g[0] for g in GROUPS].index(group)
    return 9101 + 3 * i + j


def store_label(store: str) -> str:
    _, name, city, _state, kind, assortment = next(s for s in STORES if s[0] == store)
    if name:
        return f"Store {store} · {name}"
    if city:
        return f"Store {store} · {city}"
    return f"Store {store} · type {kind} · assortment {assortment}"


def group_label(group: str) -> str:
    return dict(GROUPS)[group]


def series_label(store: str, group: str) -> str:
    return f"{store_label(store)} · {group_label(group)}"


def _days(month: date) -> list[date]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [month + timedelta(days=k) for k in range((following - month).days)]


def facts(month: date) -> list[Fact]:
    """Plan and actual of every series-day of ``month`` (actual None where not loaded yet)."""
    out = []
    for i, (store, *_rest) in enumerate(STORES):
        for j, (group, _name) in enumerate(GROUPS):
            for day in _days(month):
                plan = (900.0 * (i + 1) + 400.0 * (j + 1)) * (1 + 0.1 * (day.weekday() % 3)) + 0.37
                factor = 1.05 + (STORE_EFFECT[store] + GROUP_EFFECT[group] if month >= JULY else 0.0)
                actual: float | None = round(plan * factor, 2)
                promo, is_open = int(day.day % 5 == 0), True
                if (store, day) == CLOSED:
                    actual, promo, is_open = 0.0, 1, False
                if (store, group) == RETURNS[0] and month == JULY and day.day in RETURNS[1]:
                    actual = RETURNS[2]
                if (store, group) == NET_RETURNS and month >= JULY:
                    plan, actual = -10.0, -15.0
                if month == AUGUST and day.day > AUGUST_DAYS:
                    actual = None
                if month == SEPTEMBER and (
                    (store == SEPTEMBER_GAP[0] and day.day >= SEPTEMBER_GAP[1])
                    or ((store, group) == SPARSE[0] and day.day in SPARSE[1])
                ):
                    actual = None
                out.append(Fact(store, group, day, plan, actual, promo, is_open))
    return out


def _insert_month(conn: psycopg.Connection, month: date, version: int) -> int:
    run_id = conn.execute(
        "insert into forecast.run (kind, target_month, data_version, model_version, code_version, status, "
        "started_at, finished_at) values ('production', %s, %s, 'mv-test', 'test', 'succeeded', "
        "%s::date - 2, %s::date - 1) returning run_id",
        (month, version, month, month),
    ).fetchone()[0]
    rows = facts(month)
    with conn.cursor() as cur:
        cur.executemany(
            "insert into forecast.forecast_value (run_id, series_id, forecast_date, model_version_id, yhat, "
            "lo_80, hi_80, lo_95, hi_95) values (%s, %s, %s, 'naive-test', %s, %s, %s, %s, %s)",
            [
                (run_id, series_id(f.store, f.group), f.day, f.plan, f.plan - abs(f.plan) * 0.05,
                 f.plan + abs(f.plan) * 0.05, f.plan - abs(f.plan) * 0.1, f.plan + abs(f.plan) * 0.1)
                for f in rows
            ],
        )  # fmt: skip
        cur.executemany(
            "insert into core.actuals (series_id, sale_date, sales, promo, is_open, valid_from_version) "
            "values (%s, %s, %s, %s, %s, %s)",
            [
                (series_id(f.store, f.group), f.day, Decimal(f"{f.actual:.2f}"), f.promo, f.is_open, version)
                for f in rows
                if f.actual is not None
            ],
        )
    conn.execute(
        "insert into forecast.plan_assignment (target_month, run_id, reason) values (%s, %s, 'test')",
        (month, run_id),
    )
    return run_id


def load_known_dataset(conn: psycopg.Connection, *, september: bool = False) -> dict[str, int]:
    """Write the dataset (with ``september``: September too), commit and refresh the mart;
    returns the run id of each month."""
    # Returns are net sales; until the ingest's contract allows them the table refuses them.
    conn.execute("alter table core.actuals drop constraint if exists actuals_sales_nonnegative")
    for group, name in GROUPS:
        conn.execute("insert into core.product_group (group_id, group_name) values (%s, %s)", (group, name))
    for store, name, city, state, kind, assortment in STORES:
        conn.execute(
            "insert into core.store (store_id, store_name, city, state, store_type, assortment) "
            "values (%s, %s, %s, %s, %s, %s)",
            (store, name, city, state, kind, assortment),
        )
        for group, _name in GROUPS:
            conn.execute(
                "insert into core.series (series_id, store_id, group_id) values (%s, %s, %s)",
                (series_id(store, group), store, group),
            )
    conn.execute("update core.calendar set is_holiday = true where calendar_date = %s", (CLOSED[1],))
    version = conn.execute(
        "insert into core.data_version (source_name, source_sha256, layout) values ('known', %s, 'test') "
        "returning version_id",
        (hashlib.sha256(b"known").hexdigest(),),
    ).fetchone()[0]
    months = [*MONTHS, AUGUST, *([SEPTEMBER] if september else [])]
    runs = {f"{m:%Y-%m}": _insert_month(conn, m, version) for m in months}
    conn.commit()
    refresh_mart(conn)
    return {**runs, "version": version}
