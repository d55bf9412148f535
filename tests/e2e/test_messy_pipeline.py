"""Two months of a net-sales feed with returns through the functions the Airflow DAG calls.

The messy generator's tiny feed (3 stores x 6 departments, net sales, TRUE/FALSE flags) is
loaded through its mapping (the landing folder knows no mappings: a feed that needs one is
loaded by its own ETL, as ``bench/messy.py`` does), then June, July and August 2015 are closed
as the DAG closes a month: ``land_actuals``, ``prepare_mart`` (refresh and the mart's data
tests: the gate before training), ``report_month``, ``start_forecast``, ``forecast_shard`` and
``finalize_forecast``. Returns are made heavy enough that whole series-months net negative:
a department stopped in the history takes goods back in July (plan 0), and a small planned
series returns more than it sells in August. The mart gate must pass on them, and WAPE and
bias must be the one definition (series-day absolute errors over the gross actual, the sum of
|series-day actual|) in the monthly view, the accuracy view, the run registry and the report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
import pytest

from planfact import pipeline
from planfact.config import Settings
from planfact.db.connect import connect
from support import FIXTURES

pytestmark = pytest.mark.slow  # three closes of the monthly job on 18 series, about a minute

EXPERIMENTS = FIXTURES / "messy_experiments.toml"
START, END = "2014-07-01", "2015-08-31"
JULY, AUGUST = dt.date(2015, 7, 1), dt.date(2015, 8, 1)


def _with_returns(
    sales: pd.DataFrame, month: dt.date, store: int, department: str, total: float
) -> pd.DataFrame:
    """``sales`` with three return days of ``store`` / ``department`` in ``month`` netting the
    series' month to ``total`` (negative)."""
    label = f"{month:%Y-%m}"
    series = (sales["store"] == store) & (sales["department"] == department)
    days = [f"{label}-{d:02d}" for d in (10, 11, 12)]
    kept = sales.loc[~(series & sales["day"].isin(days))]
    rest = (kept["store"] == store) & (kept["department"] == department) & kept["day"].str.startswith(label)
    sold = float(kept.loc[rest, "net_sales"].sum())
    each = round((total - sold) / len(days), 2)
    returned = pd.DataFrame({"store": store, "department": department, "day": days, "net_sales": each,
                             "on_promo": "FALSE", "open": "TRUE", "holiday": "FALSE"})
    return pd.concat([kept, returned], ignore_index=True).sort_values(["day", "store", "department"])


def _close(settings: Settings, month: str, target: dt.date) -> dict[str, Any]:
    """The DAG's tasks for closed ``month``: land, mart gate, report, forecast ``target``."""
    version = pipeline.land_actuals(settings, month)
    pipeline.prepare_mart(settings)
    reports = pipeline.report_month(settings, month)
    run = pipeline.start_forecast(settings, target, data_version=version)
    pipeline.forecast_shard(settings, run, 1)
    return {"version": version, "reports": reports, "run": run,
            "headline": pipeline.finalize_forecast(settings, run, target)}


def _gross_wape(conn: psycopg.Connection, month: dt.date) -> tuple[float, float, float]:
    """WAPE and bias of ``month``'s plan of record computed here from the facts, over the gross
    actual (sum of |series-day actual|): WAPE and the like-for-like bias over the series-days with
    an actual row (a series the plan left out counts with plan 0), and the month's bias, whose
    variance is the whole month's actual minus the whole month's plan (what the report shows)."""
    row = conn.execute(
        "with plan as (select f.series_id, f.forecast_date as day, f.yhat from forecast.forecast_value f"
        "  join forecast.plan_of_record p on p.run_id = f.run_id and p.target_month = %(m)s"
        "  where f.forecast_date >= %(m)s and f.forecast_date < %(m)s + interval '1 month'),"
        " act as (select series_id, sale_date as day, sales from core.actuals_current"
        "  where sale_date >= %(m)s and sale_date < %(m)s + interval '1 month')"
        " select sum(abs(a.sales - coalesce(p.yhat, 0))) / sum(abs(a.sales)),"
        "        sum(a.sales - coalesce(p.yhat, 0)) / sum(abs(a.sales)),"
        "        (sum(a.sales) - (select sum(yhat) from plan)) / sum(abs(a.sales))"
        " from act a left join plan p using (series_id, day)",
        {"m": month},
    ).fetchone()
    conn.commit()
    assert row is not None
    return float(row[0]), float(row[1]), float(row[2])


def test_two_months_of_a_returns_feed_pass_the_mart_gate_with_one_wape(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    from planfact.actuals import load_actuals, load_holidays, load_stores
    from planfact.demo.synthetic import generate_messy, write_messy

    settings = settings.model_copy(update={"experiments_file": EXPERIMENTS})
    settings.landing_dir.mkdir(parents=True)
    messy = generate_messy("tiny", start=START, end=END)
    stopped = messy.traits["stopped"][0]  # sells nothing after May: not planned for July
    small = messy.traits["tiny"][0]
    sales = _with_returns(messy.sales, JULY, stopped[0], stopped[1], -120.0)
    sales = _with_returns(sales, AUGUST, small[0], small[1], -80.0)
    messy = type(messy)(base=messy.base, sales=sales, traits=messy.traits)
    feed = tmp_path / "feed"
    write_messy(messy, feed, by_month=True)
    mapping = feed / "messy_mapping.toml"
    url = settings.database_url
    assert url is not None

    def load(*names: str) -> None:
        with connect(url) as load_conn:
            result = load_actuals(load_conn, [feed / n for n in names], mapping=mapping, new_series=True)
        assert result.version_id is not None, result.message

    with connect(url) as ref_conn:
        load_stores(ref_conn, feed / "stores.csv.gz")
        load_holidays(ref_conn, feed / "holidays_events.csv.gz")
    history = sorted(p.name for p in feed.glob("actuals_*.csv.gz") if p.name < "actuals_2015-07")
    load(*history)
    june = _close(settings, "2015-06", JULY)
    assert june["reports"] == [] and "succeeded" in june["headline"]
    load("actuals_2015-07.csv.gz")
    july = _close(settings, "2015-07", AUGUST)  # before: prepare_mart raised (wape_not_negative)
    assert len(july["reports"]) == 2 and "succeeded" in july["headline"]
    load("actuals_2015-08.csv.gz")
    august_version = pipeline.land_actuals(settings, "2015-08")
    pipeline.prepare_mart(settings)
    august_reports = pipeline.report_month(settings, "2015-08")
    assert len(august_reports) == 2

    conn.autocommit = True
    for month, (store, department) in ((JULY, stopped), (AUGUST, small)):
        # the series-month nets negative, as the returns above made it
        net = conn.execute(
            "select sum(a.sales) from core.actuals_current a join core.series s using (series_id)"
            " where s.store_id = %s and s.group_id = %s and a.sale_date >= %s"
            " and a.sale_date < %s::date + interval '1 month'",
            (str(store), department, month, month)).fetchone()
        assert net is not None and float(net[0]) < 0
        wape, bias, month_bias = _gross_wape(conn, month)
        total = conn.execute(
            "select wape, bias from mart.plan_fact_monthly"
            " where level = 'total' and target_month = %s", (month,)).fetchone()
        assert total is not None
        assert total[0] == pytest.approx(wape) and total[1] == pytest.approx(month_bias)
        negative = conn.execute(
            "select count(*) from mart.plan_fact_monthly where target_month = %s and actual < 0"
            " and wape >= 0 and bias is not null", (month,)).fetchone()
        assert negative is not None and negative[0] >= 1  # a negative month has a real WAPE
        series_level = conn.execute(
            "select wape, bias from mart.forecast_accuracy where level = 'series' and target_month = %s",
            (month,)).fetchone()
        assert series_level is not None
        assert series_level[0] == pytest.approx(wape) and series_level[1] == pytest.approx(bias)
        # the registry: the plan run's accuracy over its own forecasts, the same formula
        run_row = conn.execute(
            "select ra.actual_wape, ra.actual_bias, r.actual_wape from mart.run_accuracy ra"
            " join mart.run_registry r using (run_id) join forecast.plan_of_record p using (run_id)"
            " where p.target_month = %s", (month,)).fetchone()
        own = conn.execute(
            "select sum(abs(a.sales - f.yhat)) / sum(abs(a.sales)), sum(a.sales - f.yhat) / sum(abs(a.sales))"
            " from forecast.forecast_value f join forecast.plan_of_record p using (run_id)"
            " join core.actuals_current a on a.series_id = f.series_id and a.sale_date = f.forecast_date"
            " where p.target_month = %s and f.forecast_date >= p.target_month"
            " and f.forecast_date < p.target_month + interval '1 month'", (month,)).fetchone()
        assert run_row is not None and own is not None
        assert run_row[0] == pytest.approx(float(own[0])) and run_row[2] == run_row[0]
        assert run_row[1] == pytest.approx(float(own[1]))
    # the report shows the same WAPE as the mart (its summary cell, in per cent)
    html = next(Path(p) for p in august_reports if p.endswith(".html")).read_text(encoding="utf-8")
    august_wape, _bias, august_bias = _gross_wape(conn, AUGUST)
    assert f"{100 * august_wape:.1f}%" in html
    assert f"{100 * abs(august_bias):.1f}%" in html
    assert august_version is not None
