"""The mart views against values computed independently in Python from the known dataset."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import psycopg
import pytest

from planfact.mart import MATERIALIZED_VIEWS, refresh_mart
from support.mart_dataset import (
    CALENDAR_HOLIDAY,
    LEVELS,
    MONTHS,
    RESTATED,
    STATE_HOLIDAY,
    Dataset,
    build,
)


@pytest.fixture
def data(conn: psycopg.Connection) -> Dataset:
    dataset = build(conn)
    refresh_mart(conn)
    return dataset


def _frame(conn: psycopg.Connection, query: str) -> pd.DataFrame:
    cur = conn.execute(query)
    frame = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description or []])
    return frame.map(lambda v: float(v) if hasattr(v, "as_tuple") else v)  # Decimal -> float


def _long(frame: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """Series-level rows repeated once per level with that level's member."""
    attrs = data.attributes().melt(id_vars="series_id", var_name="level", value_name="member")
    return frame.merge(attrs, on="series_id")


def _assert_same(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str], columns: list[str]) -> None:
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("_exp", "_got"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"rows on one side only:\n{missing[keys + ['_merge']].head(10)}"
    for column in columns:
        exp = merged[f"{column}_exp"].astype(float).to_numpy()
        got = merged[f"{column}_got"].astype(float).to_numpy()
        np.testing.assert_allclose(got, exp, rtol=1e-9, atol=1e-6, equal_nan=True, err_msg=column)


def _series_day(data: Dataset) -> pd.DataFrame:
    """Plan of record vs current actuals per target month, series and day (the independent base)."""
    parts = []
    for month, run_id in data.plans.items():
        end = (month + pd.offsets.MonthBegin(1)).date()
        plan = data.forecasts[data.forecasts.run_id == run_id].rename(columns={"forecast_date": "day"})
        act = data.current[(data.current.sale_date >= month) & (data.current.sale_date < end)]
        act = act.rename(columns={"sale_date": "day", "sales": "actual"})
        both = plan.merge(act, on=["series_id", "day"], how="outer")
        both["target_month"] = month
        parts.append(both)
    base = pd.concat(parts, ignore_index=True)
    base["plan"] = base["yhat"].fillna(0.0)
    base["abs_error"] = (base["actual"] - base["plan"]).abs()
    has = base["actual"].notna() & base["lo_80"].notna()
    base["inside_80"] = np.where(has, (base.actual >= base.lo_80) & (base.actual <= base.hi_80), np.nan)
    base["inside_95"] = np.where(has, (base.actual >= base.lo_95) & (base.actual <= base.hi_95), np.nan)
    base["holiday"] = (base["day"] == CALENDAR_HOLIDAY) | (base["state_holiday"].fillna("0") != "0")
    return base


def _ytd(frame: pd.DataFrame, order: str, keys: list[str]) -> pd.DataFrame:
    frame = frame.sort_values(order)
    year = pd.to_datetime(frame[order]).dt.year
    grouped = frame.groupby([*keys, year], sort=False)
    frame["ytd_plan"] = grouped["plan"].cumsum()
    frame["ytd_actual"] = grouped["actual"].cumsum()  # NaN-skipping like SQL's sum
    return frame


def test_every_materialized_view_is_refreshed(conn: psycopg.Connection) -> None:
    views = {
        r[0] for r in conn.execute("select 'mart.' || matviewname from pg_matviews where schemaname = 'mart'")
    }
    assert views == set(MATERIALIZED_VIEWS)
    conn.commit()
    timings = refresh_mart(conn)
    assert list(timings) == list(MATERIALIZED_VIEWS)


def test_first_refresh_of_an_unpopulated_view(conn: psycopg.Connection, data: Dataset) -> None:
    conn.execute("refresh materialized view mart.plan_fact_monthly with no data")
    conn.commit()
    refresh_mart(conn)  # concurrently would refuse an unpopulated view
    row = conn.execute("select count(*) from mart.plan_fact_monthly").fetchone()
    assert row is not None and row[0] > 0


def test_sales_daily(conn: psycopg.Connection, data: Dataset) -> None:
    got = _frame(conn, "select * from mart.sales_daily")
    assert len(got) == len(data.current)
    merged = data.current.merge(got, on=["series_id", "sale_date"], suffixes=("", "_got"))
    np.testing.assert_allclose(merged["sales_got"].astype(float), merged["sales"])
    assert (merged["promo_got"] == merged["promo"]).all()
    holiday = (merged.sale_date == CALENDAR_HOLIDAY) | (merged.state_holiday != "0")
    assert (merged["is_holiday"] == holiday).all()
    assert merged.loc[merged.sale_date == STATE_HOLIDAY[0], "is_holiday"].sum() == 2  # S1's two series
    restated = merged.set_index(["series_id", "sale_date"]).loc[list(RESTATED), "data_version"]
    assert (restated == data.versions[1]).all()
    s3 = got[got.store_id == "S3"]
    assert set(s3.city) == {"unknown"} and set(s3.state) == {"unknown"}


def test_sales_monthly_every_level(conn: psycopg.Connection, data: Dataset) -> None:
    current = data.current.assign(
        month=pd.to_datetime(data.current.sale_date).dt.to_period("M").dt.start_time
    )
    current["month"] = current["month"].dt.date
    long = _long(current, data)
    expected = (
        long.groupby(["month", "level", "member"])
        .agg(sales=("sales", "sum"), series_days=("sales", "size"), series=("series_id", "nunique"))
        .reset_index()
    )
    got = _frame(conn, "select * from mart.sales_monthly")
    assert set(got.level) == set(LEVELS)
    _assert_same(got, expected, ["month", "level", "member"], ["sales", "series_days", "series"])
    july_total = got[(got.level == "total") & (got.month == date(2015, 7, 1))]
    assert july_total.series.item() == 5


def test_plan_fact_daily(conn: psycopg.Connection, data: Dataset) -> None:
    base = _long(_series_day(data), data)
    series = base["level"] == "series"
    expected = (
        base.groupby(["target_month", "level", "member", "day"])
        .agg(
            plan=("plan", "sum"),
            actual=("actual", lambda s: s.sum(min_count=1)),
            abs_error=("abs_error", lambda s: s.sum(min_count=1)),
            lo_80=("lo_80", lambda s: s.sum(min_count=1)),
            hi_95=("hi_95", lambda s: s.sum(min_count=1)),
            holiday=("holiday", "any"),
            promo_share=("promo", "mean"),
            closed_share=(
                "is_open",
                lambda s: (s.dropna() == False).mean() if s.notna().any() else np.nan,  # noqa: E712
            ),
        )
        .reset_index()
    )
    expected["variance"] = expected["actual"] - expected["plan"]
    expected["variance_pct"] = expected["variance"] / expected["plan"].replace(0, np.nan)
    expected = _ytd(expected, "day", ["level", "member"])
    got = _frame(conn, "select * from mart.plan_fact_daily")
    assert set(got.level) == set(LEVELS)
    _assert_same(
        got,
        expected,
        ["target_month", "level", "member", "day"],
        [
            "plan",
            "actual",
            "variance",
            "variance_pct",
            "abs_error",
            "lo_80",
            "hi_95",
            "promo_share",
            "closed_share",
            "ytd_plan",
            "ytd_actual",
        ],
    )
    merged = expected.merge(got, on=["target_month", "level", "member", "day"], suffixes=("_exp", ""))
    assert (merged["holiday"] == merged["holiday_exp"]).all()
    inside = base[series][["target_month", "member", "day", "inside_80"]].merge(
        got[got.level == "series"], on=["target_month", "member", "day"], suffixes=("_exp", "")
    )
    np.testing.assert_array_equal(inside["inside_80"].astype(float), inside["inside_80_exp"].astype(float))
    assert got.loc[got.level != "series", "inside_80"].isna().all()
    assert (got["run_id"] == got["target_month"].map(data.plans)).all()
    assert (got["data_version"] == data.versions[1]).all()
    # August has a plan but no actuals yet; series 5 sells in July without a plan (plan 0).
    assert got.loc[got.target_month == MONTHS[8], "actual"].isna().all()
    s5 = got[(got.level == "series") & (got.member == "5")]
    assert (s5["plan"] == 0).all() and s5["actual"].notna().all()


def test_plan_fact_monthly(conn: psycopg.Connection, data: Dataset) -> None:
    base = _long(_series_day(data), data)
    expected = (
        base.groupby(["target_month", "level", "member"])
        .agg(
            plan=("plan", "sum"),
            actual=("actual", lambda s: s.sum(min_count=1)),
            abs_error=("abs_error", lambda s: s.sum(min_count=1)),
            coverage_80=("inside_80", "mean"),
            coverage_95=("inside_95", "mean"),
            days=("day", "nunique"),
        )
        .reset_index()
    )
    expected["variance"] = expected["actual"] - expected["plan"]
    expected["variance_pct"] = expected["variance"] / expected["plan"].replace(0, np.nan)
    expected["wape"] = expected["abs_error"] / expected["actual"]
    expected["bias"] = expected["variance"] / expected["actual"]
    expected = _ytd(expected, "target_month", ["level", "member"])
    got = _frame(conn, "select * from mart.plan_fact_monthly")
    _assert_same(
        got,
        expected,
        ["target_month", "level", "member"],
        [
            "plan",
            "actual",
            "variance",
            "variance_pct",
            "abs_error",
            "wape",
            "bias",
            "coverage_80",
            "coverage_95",
            "days",
            "ytd_plan",
            "ytd_actual",
        ],
    )
    total = got[got.level == "total"].set_index("target_month")
    assert total.loc[MONTHS[7], "ytd_plan"] == pytest.approx(
        total.loc[MONTHS[6], "plan"] + total.loc[MONTHS[7], "plan"]
    )
    assert np.isnan(total.loc[MONTHS[8], "wape"])


def test_forecast_accuracy(conn: psycopg.Connection, data: Dataset) -> None:
    base = _long(_series_day(data), data)
    with_actual = (
        base[base.actual.notna()]
        .groupby(["target_month", "level", "member", "day"])
        .agg(plan=("plan", "sum"), actual=("actual", "sum"))
        .reset_index()
    )
    with_actual["err"] = (with_actual.actual - with_actual.plan).abs()
    with_actual["ape"] = np.where(
        with_actual.actual > 0, with_actual.err / with_actual.actual.where(with_actual.actual > 0), np.nan
    )
    grouped = with_actual.groupby(["target_month", "level"])
    expected = pd.DataFrame(
        {
            "wape": grouped.err.sum() / grouped.actual.sum(),
            "bias": (grouped.actual.sum() - grouped.plan.sum()) / grouped.actual.sum(),
            "mape": grouped.ape.mean(),
        }
    ).reset_index()
    coverage = base[base.level == "series"].groupby("target_month")[["inside_80", "inside_95"]].mean()
    expected = expected.merge(
        coverage.rename(columns=lambda c: c.replace("inside", "coverage")).reset_index()
    )
    got = _frame(conn, "select * from mart.forecast_accuracy")
    assert len(got) == len(MONTHS) * len(LEVELS)  # August is there with null measures
    assert got.loc[got.target_month == MONTHS[8], "wape"].isna().all()
    got = got[got.target_month != MONTHS[8]]
    _assert_same(
        got, expected, ["target_month", "level"], ["wape", "bias", "mape", "coverage_80", "coverage_95"]
    )
    wape = got.pivot(index="target_month", columns="level", values="wape")
    assert (wape["total"] <= wape["store"]).all() and (wape["store"] <= wape["series"] + 1e-12).all()


def test_run_registry(conn: psycopg.Connection, data: Dataset) -> None:
    got = _frame(conn, "select * from mart.run_registry").set_index("run_id")
    runs = data.runs
    assert set(got.index) == set(runs.values())
    plans = {runs["june"], runs["july"], runs["august"]}
    assert set(got.index[got.is_plan_of_record]) == plans
    assert got.loc[runs["june"], "wape"] == 0.1 and got.loc[runs["june"], "bias"] == -0.02
    assert got.loc[runs["july"], "wape"] == 0.2  # nested under "backtest"
    assert np.isnan(got.loc[runs["july_experiment"], "wape"])
    assert got.loc[runs["june"], "duration_s"] == 42
    assert np.isnan(got.loc[runs["running"], "duration_s"])
    assert got.loc[runs["july"], "series"] == 4
    assert got.loc[runs["july"], "chosen_models"] == "ets 2, seasonal_naive 2"
    # actual accuracy of every succeeded run against the current actuals, plan or not
    for key in ("july", "july_experiment"):
        f = data.forecasts[data.forecasts.run_id == runs[key]]
        both = f.merge(
            data.current, left_on=["series_id", "forecast_date"], right_on=["series_id", "sale_date"]
        )
        expected = (both.sales - both.yhat).abs().sum() / both.sales.sum()
        assert got.loc[runs[key], "actual_wape"] == pytest.approx(expected, rel=1e-9)
    assert np.isnan(got.loc[runs["august"], "actual_wape"])
    assert np.isnan(got.loc[runs["july_failed"], "actual_wape"])
