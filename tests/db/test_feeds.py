"""Real feeds, loading side: returns are kept where a mapping declares them, TRUE/FALSE flags land
as booleans (and the mart reads a holiday only where the file says TRUE), and the messy retail
profile of the generator loads cleanly with its own mapping."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg

from planfact.demo.synthetic import generate_messy
from planfact.mart import check_mart, refresh_mart
from support.actuals_files import write_csv
from support.cli_run import database_env, run_cli

MAPPING = """\
name = "erp"
allow_negative_sales = true
[columns]
store_id = "shop"
group_id = "dept"
sale_date = "day"
sales = "net"
promo = "promo"
is_open = "open"
state_holiday = "holiday"
school_holiday = "school"
"""
HEADER = "shop,dept,day,net,promo,open,holiday,school"


def _load(tmp: Path, rows: list[str], toml: str = MAPPING) -> tuple[int, str, str]:
    mapping = tmp / "erp.toml"
    mapping.write_text(toml)
    data = write_csv(tmp / "erp.csv", HEADER, rows)
    result = run_cli(
        "load", "actuals", str(data), "--mapping", str(mapping), "--new-stores", "--today", "2016-01-01"
    )
    return result.code, result.stdout, result.stderr


def test_negative_sales_load_and_round_trip_where_returns_are_declared(
    db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    rows = [f"S1,D{d % 2},2015-03-{d:02d},{(-1) ** d * (d * 10.25)},0,1,0,0" for d in range(1, 15)]
    with database_env(db_url):
        code, out, err = _load(tmp_path, rows)
        assert code == 0, err
        # a feed that declares no returns: the same values are refused (a new file: one more day)
        refused = _load(
            tmp_path,
            [*rows, "S1,D1,2015-03-15,1,0,1,0,0"],
            MAPPING.replace("allow_negative_sales = true", ""),
        )
        verify = run_cli("data", "verify")
    assert "14 new" in out and verify.code == 0
    assert (
        refused[0] == 1
        and "line 2, column net: negative sales -10.2500 (the layout declares no returns)" in refused[2]
    )
    stored = conn.execute(
        "select s.group_id, a.sale_date, a.sales from core.actuals_as_of(1) as a"
        " join core.series as s using (series_id) order by a.sale_date"
    ).fetchall()
    expected = [(f"D{d % 2}", date(2015, 3, d), Decimal(str((-1) ** d * (d * 10.25)))) for d in range(1, 15)]
    assert stored == expected
    assert sum(1 for r in stored if r[2] < 0) == 7
    conn.commit()
    refresh_mart(conn)
    check_mart(conn)  # returns pass every mart test
    total = conn.execute("select sum(sales) from mart.sales_daily").fetchone()
    assert total == (sum(r[2] for r in expected),)


def test_true_false_flags_land_as_booleans(db_url: str, conn: psycopg.Connection, tmp_path: Path) -> None:
    words = [("TRUE", "FALSE"), ("True", "false"), ("t", "F"), ("yes", "NO"), ("1", "0")]
    rows = []
    for d in range(1, 21):
        yes, no = words[d % len(words)]
        holiday = yes if d in (6, 19) else no
        rows.append(
            f"S1,D1,2015-04-{d:02d},{d},{yes if d % 3 == 0 else no},{no if d == 5 else yes},{holiday},{yes}"
        )
    with database_env(db_url):
        code, _out, err = _load(tmp_path, rows)
    assert code == 0, err
    stored = conn.execute(
        "select sale_date, promo, is_open, state_holiday, school_holiday from core.actuals_current order by 1"
    ).fetchall()
    assert {type(r[2]) for r in stored} == {bool} and {type(r[4]) for r in stored} == {bool}
    assert [r[0].day for r in stored if r[1] == 1] == [3, 6, 9, 12, 15, 18]
    assert [r[0].day for r in stored if not r[2]] == [5]
    assert {r[3] for r in stored} == {"0", "1"} and [r[0].day for r in stored if r[3] == "1"] == [6, 19]
    assert all(r[4] is True for r in stored)
    conn.commit()
    refresh_mart(conn)
    holidays = conn.execute("select sale_date from mart.sales_daily where is_holiday order by 1").fetchall()
    assert holidays == [(date(2015, 4, 6),), (date(2015, 4, 19),)]
    check_mart(conn)


def test_a_flag_outside_its_domain_is_refused_with_line_and_column(db_url: str, tmp_path: Path) -> None:
    rows = [f"S1,D1,2015-04-{d:02d},{d},0,1,FALSE,0" for d in range(1, 6)]
    rows[3] = rows[3].replace(",FALSE,", ",HOLIDAY,")
    with database_env(db_url):
        code, _out, err = _load(tmp_path, rows)
    assert code == 1
    assert (
        "erp.csv: line 5, column holiday: not a boolean: 'HOLIDAY' (the holiday flag is declared boolean)"
        in err
    )


def test_the_messy_retail_files_load_cleanly(db_url: str, conn: psycopg.Connection, tmp_path: Path) -> None:
    out = tmp_path / "messy"
    with database_env(db_url):
        generated = run_cli(
            "data",
            "generate",
            "--profile",
            "messy",
            "--size",
            "tiny",
            "--out",
            str(out),
            "--start",
            "2015-01-01",
            "--end",
            "2015-06-30",
            "--by-month",
        )
        assert generated.code == 0, generated.stderr
        assert run_cli("load", "stores", str(out / "stores.csv.gz")).code == 0
        assert run_cli("load", "holidays", str(out / "holidays_events.csv.gz")).code == 0
        mapping = str(out / "messy_mapping.toml")
        history = [str(out / f"actuals_2015-{m:02d}.csv.gz") for m in range(1, 6)]
        first = run_cli("load", "actuals", *history, "--mapping", mapping, "--new-stores")
        assert first.code == 0, first.stderr
        june = run_cli("load", "actuals", str(out / "actuals_2015-06.csv.gz"), "--mapping", mapping)
        assert june.code == 0, june.stderr
        whole = run_cli("load", "actuals", str(out / "messy_sales.csv.gz"), "--mapping", mapping)
        verify = run_cli("data", "verify")
    messy = generate_messy("tiny", start="2015-01-01", end="2015-06-30")
    assert "created 0 store(s) and 6 product group(s); 18 new series" in first.stdout
    assert "nothing changed" in whole.stdout and verify.code == 0
    stored = conn.execute(
        "select count(*), count(*) filter (where sales < 0), sum(sales),"
        " count(*) filter (where state_holiday = '1'), count(*) filter (where not is_open)"
        " from core.actuals_current"
    ).fetchone()
    sales = messy.sales
    assert stored is not None
    assert stored[0] == len(sales) and stored[1] == int((sales["net_sales"] < 0).sum()) > 0
    assert abs(float(stored[2]) - float(sales["net_sales"].sum())) < 1e-6
    assert stored[3] == int((sales["holiday"] == "TRUE").sum()) and stored[4] == int(
        (sales["open"] == "FALSE").sum()
    )
    conn.commit()
    refresh_mart(conn)
    check_mart(conn)
    # born, stopped and sparse series really are: their days are fewer than the others'
    days = dict(
        conn.execute(
            "select s.store_id || '/' || s.group_id, count(*) from core.actuals_current as a"
            " join core.series as s using (series_id) group by 1"
        ).fetchall()
    )
    full = max(days.values())
    for trait in ("born", "stopped", "sparse"):
        for store, department in messy.traits[trait]:
            assert days[f"{store}/{department}"] < full, (trait, store, department)
