"""A deterministic in-memory ReportData for renderer tests and the benchmark (no database).

It has the shape of a real month: ``stores`` stores with store type, assortment and state,
``days`` days of plan and actual with intervals and promo/closed flags, aggregated the way
the mart aggregates (sums of store-days; coverage as the share of store-days inside).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from reports.model import (
    AccuracyPoint,
    DailyPoint,
    Figures,
    Lineage,
    MemberRow,
    Miss,
    ReportData,
    Summary,
)

__all__ = ["sample_report_data"]


def sample_report_data(
    stores: int = 12,
    days: int = 31,
    *,
    month: date = date(2015, 7, 1),
    seed: int = 7,
    tolerance: float = 0.02,
) -> ReportData:
    """A synthetic month: ``stores`` × ``days`` store-days aggregated to every level."""
    rng = np.random.default_rng(seed)
    ids = [str(i + 1) for i in range(stores)]
    attrs = {
        "store_type": [("a", "b", "c", "d")[i % 4] for i in range(stores)],
        "assortment": [("basic", "extra", "extended")[i % 3] for i in range(stores)],
        "state": [("BY", "NW", "HE", "BE", "SN")[(i * 7) % 5] for i in range(stores)],
    }
    dates = [month + timedelta(days=d) for d in range(days)]
    scale = rng.uniform(3_000, 12_000, size=(stores, 1))
    weekday = np.array([1.0 if d.isoweekday() < 6 else 0.7 for d in dates])
    plan = scale * weekday * rng.uniform(0.95, 1.05, size=(stores, days))
    closed = rng.random((stores, days)) < 0.04
    promo = rng.random((stores, days)) < 0.35
    actual = plan * rng.normal(1.01, 0.12, size=(stores, days)) * np.where(promo, 1.08, 1.0)
    actual = np.where(closed, 0.0, np.maximum(actual, 0.0)).round(2)
    lo80, hi80 = plan * 0.85, plan * 1.15
    lo95, hi95 = plan * 0.75, plan * 1.25
    holidays = {d for d in dates if d.day == 15}

    def figures(mask: np.ndarray) -> Figures:
        p, a = plan[mask], actual[mask]
        return Figures(
            plan=float(p.sum()),
            actual=float(a.sum()),
            abs_error=float(np.abs(a - p).sum()),
            coverage_80=float(((a >= lo80[mask]) & (a <= hi80[mask])).mean()),
            coverage_95=float(((a >= lo95[mask]) & (a <= hi95[mask])).mean()),
            days=days,
        )

    def daily(rows: np.ndarray) -> list[DailyPoint]:
        return [
            DailyPoint(
                day=d,
                plan=float(plan[rows, j].sum()),
                actual=float(actual[rows, j].sum()),
                lo_80=float(lo80[rows, j].sum()),
                hi_80=float(hi80[rows, j].sum()),
                lo_95=float(lo95[rows, j].sum()),
                hi_95=float(hi95[rows, j].sum()),
                promo_share=float(promo[rows, j].mean()),
                closed_share=float(closed[rows, j].mean()),
                holiday=d in holidays,
            )
            for j, d in enumerate(dates)
        ]

    everything = np.ones((stores, days), dtype=bool)
    # Labels the way mart.member_label builds them.
    prefix = {"store_type": "type ", "assortment": "assortment ", "state": ""}
    labels = {(level, v): prefix[level] + v for level, values in attrs.items() for v in values}
    for i, sid in enumerate(ids):
        kind, assortment = attrs["store_type"][i], attrs["assortment"][i]
        labels[("store", sid)] = f"Store {sid} · type {kind} · assortment {assortment}"
    levels: dict[str, list[MemberRow]] = {}
    for level, values in attrs.items():
        rows = []
        for member in sorted(set(values)):
            mask = np.array([v == member for v in values])[:, None] & everything
            rows.append(MemberRow(level, member, figures(mask), label=labels[(level, member)]))
        levels[level] = sorted(rows, key=lambda r: -r.figures.plan)
    store_rows = [
        MemberRow(
            "store",
            sid,
            figures((np.arange(stores)[:, None] == i) & everything),
            parent=attrs["store_type"][i],
            label=labels[("store", sid)],
        )
        for i, sid in enumerate(ids)
    ]
    levels["store"] = sorted(store_rows, key=lambda r: -r.figures.plan)
    drill: dict[str, list[MemberRow]] = {}
    for row in levels["store_type"]:
        drill[row.member] = [s for s in levels["store"] if s.parent == row.member]
    by_member = {
        row.member: daily(np.array([v == row.member for v in attrs["store_type"]]))
        for row in levels["store_type"]
    }

    store_day = [
        Miss(
            "store",
            ids[i],
            dates[j],
            float(plan[i, j]),
            float(actual[i, j]),
            float(promo[i, j]),
            float(closed[i, j]),
            dates[j] in holidays,
            labels[("store", ids[i])],
        )
        for i in range(stores)
        for j in range(days)
    ]
    floor = 0.5 * float(np.median(plan))
    absolute = sorted(store_day, key=lambda m: -abs(m.variance))[:15]
    relative = sorted((m for m in store_day if m.plan >= floor), key=lambda m: -abs(m.variance_pct or 0))[:15]

    total = figures(everything)
    previous = Figures(
        plan=total.plan * 0.97,
        actual=total.plan * 0.99,
        abs_error=total.plan * 0.09,
        coverage_80=0.78,
        coverage_95=0.93,
        days=30,
    )
    ytd = Figures(plan=total.plan * 6.8, actual=total.plan * 6.9)
    trend = []
    for k in range(11, -1, -1):
        m = date(month.year - (1 if month.month - k <= 0 else 0), (month.month - k - 1) % 12 + 1, 1)
        trend.append(
            AccuracyPoint(
                m,
                100 + k,
                0.08 + 0.01 * (k % 4),
                0.01 * ((k % 5) - 2),
                0.09 + 0.01 * (k % 3),
                0.8 - 0.01 * (k % 3),
                0.94,
            )
        )
    lineage = Lineage(
        plan_run_id=42,
        plan_kind="production",
        plan_made_at=datetime(month.year, month.month, 1, tzinfo=UTC) - timedelta(hours=30),
        plan_data_version=6,
        actuals_data_version=7,
        model_version="mv-sample",
        code_version="sample",
        generated_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
        generator="planfact sample",
        source_views=("in-memory sample",),
    )
    return ReportData(
        month=month,
        tolerance=tolerance,
        lineage=lineage,
        summary=Summary(month=total, previous=previous, year_to_date=ytd),
        levels=levels,
        daily_total=daily(np.arange(stores)),
        chart_level="store_type",
        daily_by_member=by_member,
        drill_level="store_type",
        drill=drill,
        misses_absolute=absolute,
        misses_relative=relative,
        accuracy_trend=trend,
        bridge_level="store_type",
        labels=labels,
    )
