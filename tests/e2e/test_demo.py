"""``planfact demo``: the feed it replays, a tiny end-to-end replay, resuming and resetting."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from planfact.cli import main
from planfact.config import Settings
from planfact.demo import run_demo
from planfact.demo.feed import real_feed, synthetic_feed
from planfact.demo.synthetic import generate
from planfact.demo.synthetic.files import write_full, write_reference_files
from planfact.errors import UsageError

COUNTS = {
    "versions": "select count(*) from core.data_version",
    "actuals": "select count(*) from core.actuals",
    "runs": "select count(*) from forecast.run",
    "forecasts": "select count(*) from forecast.forecast_value",
    "reports": "select count(*) from forecast.report",
    "assignments": "select count(*) from forecast.plan_assignment",
}


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {name: conn.execute(query).fetchone()[0] for name, query in COUNTS.items()}


def _names(paths: tuple[Path, ...]) -> list[str]:
    return sorted(p.name for p in paths)


def test_synthetic_feed_steps(tmp_path: Path) -> None:
    feed = synthetic_feed(tmp_path, size="tiny", months=3)
    assert [s.label for s in feed.steps] == ["history 2013-01..2015-09", "2015-10", "2015-11", "2015-12"]
    assert _names(feed.steps[0].files) == [
        "actuals_2015-09_history.csv.gz", "holidays_events.csv.gz", "plan_2015-10.csv.gz", "stores.csv.gz",
    ]  # fmt: skip
    assert _names(feed.steps[1].files) == ["actuals_2015-10.csv.gz", "plan_2015-11.csv.gz"]
    # The third month brings a re-issue of the first one; the last plans the month after the data.
    assert feed.steps[3].restated == date(2015, 10, 1)
    assert _names(feed.steps[3].files) == [
        "actuals_2015-10_restated.csv.gz", "actuals_2015-12.csv.gz", "plan_2016-01.csv.gz",
    ]  # fmt: skip
    assert [s.forecast_month for s in feed.steps][-1] == date(2016, 1, 1)
    assert [s.reports for s in feed.steps] == [False, True, True, True]

    landing = tmp_path / "landing"
    feed.stage_until(feed.steps[3], landing)
    assert len(list(landing.iterdir())) == sum(len(s.files) for s in feed.steps)
    feed.stage_until(feed.steps[1], landing)  # a later step's files never wait in the landing folder
    assert sorted(p.name for p in landing.iterdir()) == sorted(
        _names(feed.steps[0].files) + _names(feed.steps[1].files)
    )
    with pytest.raises(UsageError, match="--months"):
        synthetic_feed(tmp_path, size="tiny", months=0)
    with pytest.raises(UsageError, match="--size"):
        synthetic_feed(tmp_path, size="huge", months=2)


def test_real_feed_cuts_a_history_into_months(tmp_path: Path) -> None:
    source = tmp_path / "kaggle"
    data = generate("tiny", start="2015-01-01", end="2015-05-31")
    write_full(data, source)
    write_reference_files(data, source)
    feed = real_feed(tmp_path / "demo", source, months=2)
    assert [s.label for s in feed.steps] == ["history 2015-01..2015-03", "2015-04", "2015-05"]
    history = next(p for p in feed.steps[0].files if "history" in p.name)
    rows = pd.read_csv(history)
    assert rows["date"].min() == "2015-01-01" and rows["date"].max() == "2015-03-31"
    assert len(rows) == 9 * (31 + 28 + 31)
    names = {p.name for p in feed.steps[0].files}
    assert names >= {"stores.csv.gz", "holidays.csv.gz", "plan_2015-04.csv.gz"}
    restated = next(p for p in feed.steps[2].files if "restated" in p.name)
    original = pd.read_csv(next(p for p in feed.steps[1].files if p.name.startswith("actuals_")))
    changed = pd.read_csv(restated)
    assert list(changed.columns) == list(original.columns)
    assert 1 <= (changed["sales"] != original["sales"]).sum() <= 3
    with pytest.raises(UsageError, match="at least one month of history"):
        real_feed(tmp_path / "demo2", source, months=5)
    with pytest.raises(UsageError, match="no train"):
        real_feed(tmp_path / "demo3", tmp_path, months=2)


@pytest.mark.slow
def test_tiny_demo_replays_months_and_rerun_adds_nothing(settings: Settings) -> None:
    lines: list[str] = []
    summary = run_demo(settings, size="tiny", months=2, echo=lines.append)

    assert [s.label for s in summary.steps] == ["history 2013-01..2015-10", "2015-11", "2015-12"]
    assert not any(s.skipped for s in summary.steps)
    assert sum("restated" in line for line in lines) == 1
    months = [row["target_month"] for row in summary.registry]
    assert months == [date(2015, 11, 1), date(2015, 12, 1), date(2016, 1, 1)]
    closed = [row for row in summary.registry if row["target_month"] < date(2016, 1, 1)]
    assert all(0 <= row["actual_wape"] < 1 for row in closed)  # plans compared with actuals
    assert summary.registry[-1]["actual_wape"] is None  # January 2016 has no actuals yet
    assert all(row["series"] == 9 for row in summary.registry)
    # The registered (immutable) files carry the actuals data version in their name; the stable
    # names beside them show the newest rendering.
    names = sorted(p.name for p in summary.reports)
    assert [re.sub(r"_v\d+\.", ".", n) for n in names] == [
        "plan_fact_2015-11.html", "plan_fact_2015-11.xlsx",
        "plan_fact_2015-12.html", "plan_fact_2015-12.xlsx",
    ] and all(re.search(r"_v\d+\.", n) for n in names)  # fmt: skip
    assert all(p.is_file() and p.parent == settings.report_dir for p in summary.reports)
    for path in summary.reports:
        stable = path.with_name(re.sub(r"_v\d+\.", ".", path.name))
        assert stable.read_bytes() == path.read_bytes()
    assert "dbname=" in summary.psql and "mart.run_registry" in summary.psql
    text = summary.render()
    assert "plan run" in text and "plan_fact_2015-12" in text

    with psycopg.connect(settings.database_url) as conn:
        runs = conn.execute("select kind, status from forecast.run").fetchall()
        restated = conn.execute(
            "select rows_restated from core.data_version where source_name like '%restated%'"
        ).fetchall()
        loaded_by = conn.execute(
            "select distinct loaded_by from core.data_version where layout = 'favorita'"
        ).fetchall()
    assert runs == [("production", "succeeded")] * 3
    assert len(restated) == 1 and restated[0][0] > 0
    assert loaded_by == [("demo",)]

    before = _counts(settings.database_url)
    again = run_demo(settings, size="tiny", months=2, progress=False)
    assert all(s.skipped for s in again.steps)
    assert _counts(settings.database_url) == before
    assert again.registry == summary.registry


@pytest.mark.slow
def test_demo_refuses_other_data_and_reset_starts_over(settings: Settings, tmp_path: Path) -> None:
    from planfact.actuals import load_actuals

    data = generate("tiny", start="2015-01-01", end="2015-01-31")
    source = write_full(data, tmp_path / "mine")
    with psycopg.connect(settings.database_url) as conn:
        load_actuals(conn, source, new_series=True)  # someone's own data, not the demo's
    with pytest.raises(UsageError, match="not loaded by `planfact demo`"):
        run_demo(settings, size="tiny", months=1, progress=False)
    with pytest.raises(UsageError, match="refusing to drop"):
        run_demo(settings, size="tiny", months=1, reset=True, progress=False)
    assert _counts(settings.database_url)["versions"] == 1  # untouched

    with psycopg.connect(settings.database_url) as conn:
        conn.execute("delete from core.actuals")
        conn.execute("delete from core.data_version_month")
        conn.execute("delete from core.data_version")
    run_demo(settings, size="tiny", months=1, progress=False)
    with pytest.raises(UsageError, match="another demo feed"):
        run_demo(settings, size="tiny", months=2, progress=False)
    summary = run_demo(settings, size="tiny", months=2, reset=True, progress=False)
    assert not any(s.skipped for s in summary.steps)
    assert [row["plan_run"] for row in summary.registry] == [1, 2, 3]  # a new database: ids from 1


def test_data_generate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "generated"
    argv = ["data", "generate", "--size", "tiny", "--out", str(out), "--end", "2013-03-31", "--by-month"]
    assert main(argv) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "9 series" in printed[0]
    # a by-month folder is summarised per family of monthly files, not listed file by file
    assert printed[1:] == [
        f"  {out / name}" for name in ("stores.csv.gz", "holidays_events.csv.gz", "train.csv.gz")
    ] + [
        f"  {out / 'actuals_YYYY-MM.csv.gz'}: 3 months, 2013-01..2013-03",
        f"  {out / 'plan_YYYY-MM.csv.gz'}: 2 months, 2013-02..2013-03",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "actuals_2013-01.csv.gz", "actuals_2013-02.csv.gz", "actuals_2013-03.csv.gz",
        "holidays_events.csv.gz", "plan_2013-02.csv.gz", "plan_2013-03.csv.gz",
        "stores.csv.gz", "train.csv.gz",
    ]  # fmt: skip
    with pytest.raises(SystemExit) as stop:  # argparse: the day is parsed with the argument
        main(["data", "generate", "--out", str(out), "--end", "someday"])
    assert stop.value.code == 2
    assert "argument --end: expected a day YYYY-MM-DD, got 'someday'" in capsys.readouterr().err
