"""What a load promises beyond refusing bad input: quarantine, sets of files, re-sent files,
new stores, and the versions each of them makes (through the command line, as users run it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg

from support.actuals_files import ROSSMANN_HEADER, as_of, rossmann_rows, write_csv
from support.cli_run import database_env, fingerprint, run_cli

JAN = (date(2015, 1, 1), date(2015, 1, 31))
FEB = (date(2015, 2, 1), date(2015, 2, 28))


def _file(tmp: Path, name: str, rows: list[str]) -> str:
    return str(write_csv(tmp / name, ROSSMANN_HEADER, rows))


def _bad(rows: list[str], index: int, sales: str) -> list[str]:
    fields = rows[index].split(",")
    fields[3] = sales
    return [*rows[:index], ",".join(fields), *rows[index + 1 :]]


def test_quarantine_keeps_exactly_the_bad_rows(db_url: str, conn: psycopg.Connection, tmp_path: Path) -> None:
    rows = _bad(_bad(rossmann_rows(2, *FEB), 3, "NaN"), 10, "-4")
    with database_env(db_url):
        result = run_cli("load", "actuals", _file(tmp_path, "feb.csv", rows), "--quarantine", "--new-stores")
    assert result.code == 0, result.stderr
    assert "loaded as version 1" in result.stdout and "2 rejected (see core.rejected_row)" in result.stdout
    kept = conn.execute(
        "select version_id, source_name, line_no, column_name, reason from core.rejected_row order by line_no"
    ).fetchall()
    assert kept == [
        (1, "feb.csv", 5, "Sales", "not a finite number: NaN"),
        (1, "feb.csv", 12, "Sales", "negative sales -4.0000 (the layout declares no returns)"),
    ]
    loaded = {(r[0], r[2]) for r in as_of(conn, 1)}
    expected = {
        (r.split(",")[0], date.fromisoformat(r.split(",")[2])) for i, r in enumerate(rows) if i not in (3, 10)
    }
    assert loaded == expected and len(loaded) == 56 - 2


def test_quarantine_without_a_good_row_fails_and_keeps_its_rejects(
    db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    rows = [
        ",".join([*r.split(",")[:7], "z", r.split(",")[8]])
        for r in rossmann_rows(1, date(2015, 2, 1), date(2015, 2, 3))
    ]
    with database_env(db_url):
        before = fingerprint(db_url)
        result = run_cli(
            "load", "actuals", _file(tmp_path, "all_bad.csv", rows), "--quarantine", "--new-stores"
        )
    assert result.code == 1
    assert result.stderr.strip().endswith(
        "line 2, column StateHoliday: unknown code 'z' (declared: 0, a, b, c) (every one of its 3 rows was "
        "refused; 3 rejected rows kept in core.rejected_row, nothing was loaded)"
    )
    after = fingerprint(db_url)
    assert after.pop("rejected") == (3,) and {k: v for k, v in before.items() if k != "rejected"} == after
    kept = conn.execute(
        "select version_id, line_no, source_sha256 is not null from core.rejected_row order by 2"
    )
    assert kept.fetchall() == [(None, 2, True), (None, 3, True), (None, 4, True)]
    # sent again (a retry, a replayed folder): refused alike, its rejects kept once
    with database_env(db_url):
        again = run_cli(
            "load", "actuals", _file(tmp_path, "all_bad.csv", rows), "--quarantine", "--new-stores"
        )
    assert again.code == 1
    assert again.stderr.strip().endswith(
        "(every one of its 3 rows was refused; its rejected rows are in core.rejected_row already "
        "(the same file was refused before), nothing was loaded)"
    )
    assert fingerprint(db_url) == after | {"rejected": (3,)}


def test_a_set_of_files_is_one_version_and_the_later_file_wins(
    db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    january = _file(tmp_path, "jan.csv", rossmann_rows(2, *JAN))
    correction = _file(
        tmp_path, "jan_fix.csv", rossmann_rows(2, date(2015, 1, 31), date(2015, 1, 31), bump=7)
    )
    with database_env(db_url):
        result = run_cli("load", "actuals", january, correction, "--new-stores")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("jan.csv, jan_fix.csv: loaded as version 1 (2 files, rossmann,")
    assert "2 rows of an earlier file of the set replaced by a later file's" in result.stdout
    files = conn.execute("select file_no, source_name, rows_in_file from core.data_version_file order by 1")
    assert files.fetchall() == [(1, "jan.csv", 62), (2, "jan_fix.csv", 2)]
    last_day = conn.execute(
        "select sales from core.actuals_current where sale_date = '2015-01-31' order by 1"
    )
    assert [float(r[0]) for r in last_day.fetchall()] == [100 + 7 * 31 + 1 + 7, 200 + 7 * 31 + 1 + 7]
    assert conn.execute("select count(*) from core.data_version").fetchone() == (1,)


def test_each_loads_file_by_file_and_says_what_was_loaded(
    db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    good = _file(tmp_path, "jan.csv", rossmann_rows(2, *JAN))
    bad = _file(tmp_path, "feb.csv", _bad(rossmann_rows(2, *FEB), 0, "x"))
    later = _file(tmp_path, "mar.csv", rossmann_rows(2, date(2015, 3, 1), date(2015, 3, 31)))
    with database_env(db_url):
        result = run_cli("load", "actuals", good, bad, later, "--each", "--new-stores")
    assert result.code == 1
    assert result.stdout.startswith("jan.csv: loaded as version 1")
    assert result.stderr.strip().endswith(
        "(0 other bad rows; the file was not loaded, --quarantine loads the good rows) "
        "[--each: 1 earlier file(s) loaded as printed, 1 later file(s) not attempted]"
    )
    assert conn.execute("select count(*) from core.data_version").fetchone() == (1,)


def test_a_file_sent_again_after_a_restatement_is_applied_again(
    db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    original = _file(tmp_path, "jan.csv", rossmann_rows(2, *JAN))
    restated = _file(
        tmp_path, "jan_restated.csv", rossmann_rows(2, date(2015, 1, 10), date(2015, 1, 11), bump=5)
    )
    with database_env(db_url):
        assert run_cli("load", "actuals", original, "--new-stores").code == 0
        assert run_cli("load", "actuals", original).stdout.strip() == "jan.csv: already loaded as version 1"
        assert "4 restated" in run_cli("load", "actuals", restated).stdout
        again = run_cli("load", "actuals", original)
        assert again.code == 0, again.stderr
        assert again.stdout.strip() == (
            "jan.csv: loaded as version 3 (rossmann, 2015-01-01 .. 2015-01-31): 0 new, 4 restated, "
            "58 unchanged rows; jan.csv was loaded before as version 1 and differs from the current data: "
            "applied again"
        )
        assert as_of(conn, 3) == as_of(conn, 1)
        # now it matches the current data again: already loaded (by the version that re-applied it)
        third = run_cli("load", "actuals", original)
        assert third.stdout.strip() == "jan.csv: already loaded as version 3"
        # a restatement of another store on those days: the file is diffed, and still matches
        other = _file(tmp_path, "jan_other.csv", [r for r in rossmann_rows(3, *JAN) if r.startswith("3,")])
        assert "loaded as version 4" in run_cli("load", "actuals", other, "--new-stores").stdout
        fix = _file(
            tmp_path, "jan_fix3.csv", rossmann_rows(3, date(2015, 1, 5), date(2015, 1, 5), bump=1)[2:]
        )
        assert "1 restated" in run_cli("load", "actuals", fix).stdout
        fourth = run_cli("load", "actuals", original)
        assert (
            fourth.stdout.strip()
            == "jan.csv: already loaded as version 3 (it still matches the current data)"
        )
        verify = run_cli("data", "verify", "3")
    assert verify.code == 0 and "version 3: all 1 month checksums match" in verify.stdout
    assert conn.execute("select count(*) from core.data_version").fetchone() == (5,)


def test_new_stores_are_created_only_when_asked_and_counted(
    db_url: str, conn: psycopg.Connection, tmp_path: Path
) -> None:
    stores = write_csv(tmp_path / "store.csv", "Store,StoreType", ["1,a", "2,b"])
    with database_env(db_url):
        assert run_cli("load", "stores", str(stores)).code == 0
        known = run_cli("load", "actuals", _file(tmp_path, "jan.csv", rossmann_rows(2, *JAN)))
        assert known.code == 0 and known.stdout.strip().endswith(
            "62 new, 0 restated, 0 unchanged rows; 2 new series"
        )
        three = _file(tmp_path, "feb.csv", rossmann_rows(3, *FEB))
        refused = run_cli("load", "actuals", three)
        assert refused.code == 1 and "1 unknown store: 3:" in refused.stderr
        accepted = run_cli("load", "actuals", three, "--new-stores")
    assert accepted.code == 0, accepted.stderr
    assert accepted.stdout.strip().endswith("created 1 store(s) and 0 product group(s); 1 new series")
    assert conn.execute("select store_id, store_type from core.store order by 1").fetchall() == [
        ("1", "a"),
        ("2", "b"),
        ("3", None),
    ]


def test_landing_files_load_once_even_after_a_restatement(conn: psycopg.Connection, tmp_path: Path) -> None:
    """What the pipeline asks (``once``): its landing folder is replayed on every run, and the
    original file of a restated month must not undo the restatement."""
    from planfact.actuals import load_actuals

    original = Path(_file(tmp_path, "actuals_2015-01.csv", rossmann_rows(2, *JAN)))
    restated = Path(_file(tmp_path, "actuals_2015-01_restated.csv", rossmann_rows(2, *JAN, bump=2)))
    for _run in range(2):
        first = load_actuals(conn, original, new_series=True, once=True)
        second = load_actuals(conn, restated, once=True)
    assert (first.version_id, first.already_loaded) == (1, True)
    assert (second.version_id, second.already_loaded) == (2, True)
    assert conn.execute("select count(*) from core.data_version").fetchone() == (2,)
    restated_total = sum(float(r.split(",")[3]) for r in rossmann_rows(2, *JAN, bump=2))
    current = conn.execute("select count(*), sum(sales) from core.actuals_current").fetchone()
    assert current is not None and current[0] == 62 and float(current[1]) == restated_total
