"""Which series-days of a month have no actuals yet, and how much plan they hold.

Completeness is judged per series-day, by one rule: a store reports a day or it does not. A
series-day is *unreported* when no series of its store has an actual that day (the store's
file for that day has not arrived); a series without a row on a day its store reported sold
nothing (sparse feeds send only the days with sales). A whole day that no store reported is a
*missing day*. The rule lives in ``sql/statements/reports/unreported.sql``.

A report refuses a month with unreported series-days unless asked for a partial report; a
partial report compares like with like: the plan of the unreported series-days is taken out of
every figure (each level member, each day, the month and year to date) and shown as still to come.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg

from planfact.db.queries import execute
from reports.unreported import SHOWN_STORES, Unreported, day_ranges

__all__ = ["Completeness", "read_completeness", "unreported_plan_by_month", "refusal"]


@dataclass
class Completeness:
    """The unreported series-days of one month and their plan summed up every level."""

    month: date
    series_days: int = 0
    store_days: int = 0
    stores: list[Unreported] = field(default_factory=list)  # stores with unreported days, in id order
    to_come: dict[tuple[str, str], float] = field(default_factory=dict)  # (level, member) -> plan
    to_come_daily: dict[tuple[str, str, date], float] = field(default_factory=dict)  # + day

    @property
    def unreported_series_days(self) -> int:
        return sum(s.series_days for s in self.stores)

    @property
    def unreported_store_days(self) -> int:
        return sum(len(s.days) for s in self.stores)

    @property
    def complete(self) -> bool:
        return not self.stores


def _rows(conn: psycopg.Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cur = execute(conn, name, params)
    columns = [c.name for c in cur.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


def read_completeness(
    conn: psycopg.Connection, month: date, labels: dict[tuple[str, str], str] | None = None
) -> Completeness:
    """The unreported series-days of ``month`` (first day) from the mart; ``labels`` name the stores."""
    extent = _rows(conn, "reports/month_extent", {"month": month})[0]
    found = Completeness(month, int(extent["series_days"] or 0), int(extent["store_days"] or 0))
    rows = _rows(conn, "reports/unreported", {"first_month": month, "month": month})
    if not rows:
        return found
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    ids = sorted({int(r["series"]) for r in rows})
    for m in _rows(conn, "reports/series_members", {"series_ids": ids}):
        members[m["series"]].append((m["level"], m["member"]))
    to_come: dict[tuple[str, str], float] = defaultdict(float)
    daily: dict[tuple[str, str, date], float] = defaultdict(float)
    by_store: dict[str, dict[str, Any]] = {}
    for r in rows:
        plan = float(r["plan"] or 0.0)
        for level, member in members[r["series"]]:
            to_come[(level, member)] += plan
            daily[(level, member, r["day"])] += plan
        store = by_store.setdefault(r["store"], {"days": set(), "series_days": 0, "plan": 0.0})
        store["days"].add(r["day"])
        store["series_days"] += 1
        store["plan"] += plan
    names = labels or {}
    found.stores = [
        Unreported(
            store=store,
            label=names.get(("store", store), f"Store {store}"),
            days=tuple(sorted(s["days"])),
            series_days=s["series_days"],
            plan=s["plan"],
        )
        for store, s in sorted(by_store.items(), key=lambda item: _store_order(item[0]))
    ]
    found.to_come, found.to_come_daily = dict(to_come), dict(daily)
    return found


def unreported_plan_by_month(conn: psycopg.Connection, first_month: date, month: date) -> dict[date, float]:
    """target month -> plan of its unreported series-days, for the months first_month..month."""
    out: dict[date, float] = defaultdict(float)
    for r in _rows(conn, "reports/unreported", {"first_month": first_month, "month": month}):
        out[r["target_month"]] += float(r["plan"] or 0.0)
    return dict(out)


def refusal(label: str, found: Completeness, missing_days: list[date], days: int) -> str:
    """The one-line refusal of an incomplete month: how many series-days, which stores and days."""
    counted = f"{found.unreported_series_days:,} of {found.series_days:,} series-days"
    gaps = [(s, [d for d in s.days if d not in missing_days]) for s in found.stores]
    gaps = [(s, rest) for s, rest in gaps if rest]
    if not gaps:  # whole days only: the month's file has not arrived for them
        return (
            f"incomplete actuals for {label}: {len(missing_days)} of {days} days have no actuals yet "
            f"({_iso_ranges(missing_days)}: {counted}); load them, or pass --allow-partial"
        )
    where = [f"all stores {_iso_ranges(missing_days)}"] if missing_days else []
    where += [f"store {s.store} {_iso_ranges(rest)}" for s, rest in gaps[:SHOWN_STORES]]
    if len(gaps) > SHOWN_STORES:
        where.append(f"{len(gaps) - SHOWN_STORES} more stores")
    return (
        f"incomplete actuals for {label}: {counted} have no actuals yet "
        f"({'; '.join(where)}); load them, or pass --allow-partial"
    )


def _iso_ranges(days: list[date]) -> str:
    """'2015-07-21…2015-07-31', '2015-07-05' or '2015-07-05, 2015-07-21…2015-07-31' (at most 3 runs)."""
    runs = day_ranges(days)
    text = ", ".join(f"{a:%Y-%m-%d}" if a == b else f"{a:%Y-%m-%d}…{b:%Y-%m-%d}" for a, b in runs[:3])
    return text + (f" and {len(runs) - 3} more" if len(runs) > 3 else "")


def _store_order(store: str) -> tuple[int, int | str]:
    """Numeric store ids in numeric order (2 before 10), then the others."""
    return (0, int(store)) if store.isdigit() else (1, store)
