"""The report's reads stay cheap at a few thousand series: its statements read the materialized
mart, not the live view ``mart.plan_fact_series_day`` (a full join of the month's actuals and
forecasts, seconds per read at 3,300 series), except the probes that must see the live data."""

from __future__ import annotations

from planfact.db.queries import sql_root

# is the materialized mart older than the live data; are there actuals before a refresh; and
# report month's freshness check (planfact/reporting/freshness.py), which reads both the same way
# (the first row found, ``exists``)
LIVE_PROBES = {"live_data_version.sql", "live_actuals.sql", "mart_state.sql"}


def test_report_statements_read_the_materialized_mart_not_the_live_series_day_view() -> None:
    folder = sql_root().joinpath("statements", "reports")
    reading = sorted(
        f.name
        for f in folder.iterdir()
        if f.name.endswith(".sql") and "mart.plan_fact_series_day" in f.read_text(encoding="utf-8")
    )
    assert set(reading) == LIVE_PROBES, reading
