"""planfact.pipeline: the task-sized steps of the monthly job, on small generated files."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest

from planfact import pipeline
from planfact.config import Settings
from planfact.errors import PlanfactError, UsageError


@pytest.fixture(scope="module")
def tiny() -> Any:
    from planfact.demo.synthetic import generate

    return generate("tiny", seed=3, start="2015-01-01", end="2015-04-30")


def _files(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text("x\n")


def _versions(conn: psycopg.Connection) -> int:
    row = conn.execute("select count(*) from core.data_version").fetchone()
    return int(row[0]) if row else 0


def test_landing_files_follow_the_naming_convention(tmp_path: Path) -> None:
    _files(
        tmp_path,
        [
            "actuals_2015-07.csv.gz",
            "actuals_2015-06_history.csv.gz",
            "actuals_2015-07_restated.csv",
            "plan_2015-08.csv.gz",
            "stores.csv.gz",
            "holidays_events.csv.gz",
            "actuals_2015-08.csv.gz.part",  # still being copied
            "actuals_2015-13.csv",  # no such month
            "actuals-2015-09.csv",  # wrong separator
            "train.csv.gz",  # a whole history: split it first (planfact data split-months)
            "notes.txt",
        ],
    )
    (tmp_path / "actuals_2015-10.csv").mkdir()  # a folder is not a file
    found = [
        (f.kind, f.month.isoformat() if f.month else None, f.path.name)
        for f in pipeline.landing_files(tmp_path)
    ]
    assert found == [
        ("stores", None, "stores.csv.gz"),
        ("holidays", None, "holidays_events.csv.gz"),
        ("actuals", "2015-06-01", "actuals_2015-06_history.csv.gz"),
        ("actuals", "2015-07-01", "actuals_2015-07.csv.gz"),  # the original before its restatement
        ("actuals", "2015-07-01", "actuals_2015-07_restated.csv"),
        ("plan", "2015-08-01", "plan_2015-08.csv.gz"),
    ]
    assert pipeline.landing_files(tmp_path / "missing") == []


def test_task_settings_take_an_airflow_connection_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANFACT_DATABASE_URL", raising=False)
    assert pipeline.task_settings().database_url is None
    given = pipeline.task_settings(
        "postgres://etl:s%40cret@db.internal:5433/planfact?sslmode=require&__extra__=%7B%7D"  # pragma: allowlist secret  # noqa: E501
    )
    assert given.database_url == "postgresql://etl:s%40cret@db.internal:5433/planfact?sslmode=require"  # pragma: allowlist secret  # noqa: E501
    assert pipeline.task_settings("postgresql://u@h/d?__extra__=%7B%7D").database_url == "postgresql://u@h/d"
    monkeypatch.setenv("PLANFACT_DATABASE_URL", "postgresql://env@h/d")
    assert pipeline.task_settings().database_url == "postgresql://env@h/d"
    assert pipeline.task_settings("postgres://conn@h/d").database_url == "postgresql://conn@h/d"
    with pytest.raises(UsageError, match="PLANFACT_DATABASE_URL"):
        pipeline.task_settings("mysql://u@h/d")


def test_summary_is_one_line() -> None:
    assert pipeline.summarize("2015-06", 1, [], "run 1 succeeded") == (
        "planfact 2015-06: data version 1; report: skipped (no plan of record); run 1 succeeded"
    )
    line = pipeline.summarize("2015-07-01", 2, ["a.xlsx", "a.html"], "run 2 succeeded")
    assert line == "planfact 2015-07: data version 2; report: 2 files; run 2 succeeded"
    with pytest.raises(UsageError, match="YYYY-MM"):
        pipeline.summarize("July", 2, [], "x")


class _Hook(BaseHTTPRequestHandler):
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    bodies: list[dict[str, Any]] = []
    server = HTTPServer(("127.0.0.1", 0), type("Hook", (_Hook,), {"bodies": bodies}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook/t0ken", bodies
    finally:
        server.shutdown()
        server.server_close()


def test_notify_posts_the_summary(hook: tuple[str, list[dict[str, Any]]], tmp_path: Path) -> None:
    url, bodies = hook
    pipeline.notify(Settings(webhook_url=url, state_dir=tmp_path), "planfact 2015-07: ok")
    assert bodies == [{"text": "planfact 2015-07: ok"}]


def test_notify_survives_a_failing_webhook(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(webhook_url=f"http://127.0.0.1:{port}/hook/t0ken", state_dir=tmp_path)
    with caplog.at_level(logging.INFO, logger="planfact.pipeline"):
        pipeline.notify(settings, "planfact 2015-07: ok")  # must not raise
        pipeline.notify(Settings(webhook_url="not a url", state_dir=tmp_path), "x")
        pipeline.notify(Settings(webhook_url="file:///etc/passwd", state_dir=tmp_path), "x")
        pipeline.notify(Settings(webhook_url=f"http://user:t0ken@127.0.0.1:{port}/", state_dir=tmp_path), "x")  # pragma: allowlist secret  # noqa: E501
    failures = [r for r in caplog.records if r.getMessage().startswith("webhook failed")]
    assert len(failures) == 4
    assert failures[0].webhook == "http://127.0.0.1"  # type: ignore[attr-defined]
    assert "t0ken" not in caplog.text  # the secret part of a webhook URL is never logged
    assert "planfact 2015-07: ok" in caplog.text


def test_notify_without_webhook_only_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="planfact.pipeline"):
        pipeline.notify(Settings(state_dir=tmp_path), "planfact 2015-07: ok")
    assert [r.getMessage() for r in caplog.records] == ["planfact 2015-07: ok"]


def _landing(data: Any, folder: Path) -> None:
    from planfact.demo.synthetic.files import write_history, write_month_files, write_reference_files

    write_reference_files(data, folder)
    write_history(data, folder, before="2015-03-01")  # actuals_2015-02_history: Jan and Feb
    write_month_files(data, folder, "2015-03")  # actuals_2015-03 and plan_2015-04
    write_month_files(data, folder, "2015-04")  # actuals_2015-04 (no plan: the data end in April)


def test_land_actuals_loads_what_is_due_once(tiny: Any, settings: Settings, conn: psycopg.Connection) -> None:
    _landing(tiny, settings.landing_dir)
    assert not pipeline.actuals_available(settings, "2015-01")  # no file named for January
    assert pipeline.actuals_available(settings, "2015-02")

    first = pipeline.land_actuals(settings, "2015-02")
    assert first == 1 and _versions(conn) == 1  # the backlog only; March is not due yet
    assert pipeline.land_actuals(settings, "2015-02") == 1 and _versions(conn) == 1  # nothing new

    # Loaded months count as available even without their file (e.g. loaded by hand).
    (settings.landing_dir / "actuals_2015-02_history.csv.gz").rename(settings.landing_dir / "old.csv.gz")
    assert pipeline.actuals_available(settings, "2015-01")

    march = pipeline.land_actuals(settings, "2015-03")  # March's actuals and April's plan
    assert march == 3 and _versions(conn) == 3
    layouts = conn.execute("select source_name from core.data_version order by version_id").fetchall()
    assert [name for (name,) in layouts] == [
        "actuals_2015-02_history.csv.gz",
        "actuals_2015-03.csv.gz",
        "plan_2015-04.csv.gz",
    ]
    assert pipeline.land_actuals(settings, "2015-03") == 3 and _versions(conn) == 3


def test_a_late_plan_of_a_closed_month_is_skipped_with_a_warning(
    tiny: Any, settings: Settings, conn: psycopg.Connection, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from planfact.actuals import split_months

    _landing(tiny, settings.landing_dir)
    assert pipeline.land_actuals(settings, "2015-03") == 3
    # March's plan arrives after March's actuals (the same days without sales)
    late = next(p for p in split_months(settings.landing_dir / "actuals_2015-03.csv.gz", tmp_path / "cut")
                if p.name.startswith("plan_"))
    shutil.copy(late, settings.landing_dir / late.name)
    with caplog.at_level(logging.WARNING, logger="planfact.pipeline"):
        assert pipeline.land_actuals(settings, "2015-03") == 3  # the month lands all the same
    assert _versions(conn) == 3
    skipped = [r for r in caplog.records if r.getMessage() == "plan file skipped"]
    assert [r.file for r in skipped] == ["plan_2015-03.csv.gz"]  # type: ignore[attr-defined]
    assert "is in 2015-03, whose actuals are loaded" in skipped[0].reason  # type: ignore[attr-defined]


def test_land_actuals_refuses_a_month_without_actuals(settings: Settings, conn: psycopg.Connection) -> None:
    settings.landing_dir.mkdir(parents=True)
    with pytest.raises(PlanfactError, match=r"no actuals of 2015-07: .* actuals_2015-07\*\.csv\[\.gz\]"):
        pipeline.land_actuals(settings, "2015-07")
    assert _versions(conn) == 0
    assert not pipeline.actuals_available(settings, "2015-07")


def test_land_actuals_names_a_file_without_rows_of_its_month(
    tiny: Any, settings: Settings, conn: psycopg.Connection
) -> None:
    from planfact.demo.synthetic.files import write_csv_gz, write_reference_files

    write_reference_files(tiny, settings.landing_dir)
    # Misnamed: the rows are March's, the name says April.
    write_csv_gz(tiny.month_rows(dt.date(2015, 3, 1)), settings.landing_dir / "actuals_2015-04.csv.gz")
    assert pipeline.actuals_available(settings, "2015-04")  # the sensor goes by the name
    with pytest.raises(
        PlanfactError, match=r"no actuals of 2015-04: .*actuals_2015-04\.csv\.gz in .* hold no rows"
    ):
        pipeline.land_actuals(settings, "2015-04")


def test_report_is_skipped_without_a_plan_of_record(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="planfact.pipeline"):
        assert pipeline.report_month(settings, "2015-06") == []
    assert "report skipped: no plan of record" in caplog.text
    assert not settings.report_dir.exists()


def test_prepare_mart_on_an_empty_database(settings: Settings) -> None:
    pipeline.prepare_mart(settings)  # refreshes and passes the data tests with no rows yet
