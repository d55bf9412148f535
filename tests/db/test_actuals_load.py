"""Versioned actuals: first load, reload, appended month, restatements, as-of reads, checksums."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from planfact.actuals import load_actuals, load_holidays, load_plan, load_stores
from planfact.versions import latest_version, list_versions, month_checksums, verify_version
from support.actuals_files import ROSSMANN_HEADER, as_of, rossmann_file, rossmann_rows, snapshot, write_csv

JAN, FEB_END = date(2015, 1, 1), date(2015, 2, 28)


def test_three_versions_read_back_exactly(conn: psycopg.Connection, tmp_path: Path) -> None:
    first = load_actuals(conn, rossmann_file(tmp_path / "v1.csv.gz", 3, JAN, FEB_END), new_series=True)
    assert first.version_id == 1 and not first.already_loaded
    assert (first.inserted, first.restated, first.unchanged) == (3 * 59, 0, 0)
    assert (first.period_start, first.period_end) == (JAN, FEB_END)
    v1 = as_of(conn, 1)

    # version 2: March appended, two February days restated, one February day repeated as is
    march = rossmann_rows(3, date(2015, 3, 1), date(2015, 3, 31))
    restated = [
        r.replace(",2015-02-27,", ",2015-02-27,")
        for r in rossmann_rows(3, date(2015, 2, 27), date(2015, 2, 27))
    ]
    restated = [
        ",".join(f if i != 3 else str(float(f) + 5) for i, f in enumerate(r.split(","))) for r in restated[:2]
    ]
    same = rossmann_rows(3, date(2015, 2, 26), date(2015, 2, 26))
    second = load_actuals(
        conn, write_csv(tmp_path / "v2.csv", ROSSMANN_HEADER, march + restated + same), new_series=True
    )
    assert second.version_id == 2
    assert (second.inserted, second.restated, second.unchanged) == (93, 2, 3)
    v2 = as_of(conn, 2)

    # version 3: one March day restated again
    again = [
        r.replace(",2015-03-02,", ",2015-03-02,")
        for r in rossmann_rows(3, date(2015, 3, 2), date(2015, 3, 2), bump=1)
    ]
    third = load_actuals(conn, write_csv(tmp_path / "v3.csv", ROSSMANN_HEADER, again[:1]), new_series=True)
    assert (third.version_id, third.restated, third.inserted) == (3, 1, 0)

    assert as_of(conn, 1) == v1 and len(v1) == 177
    assert as_of(conn, 2) == v2 and len(v2) == 177 + 93
    v3 = as_of(conn, 3)
    assert len(v3) == len(v2)
    changed = [a for a, b in zip(v2, v3, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][2] == date(2015, 3, 2)
    feb27 = [r for r in v2 if r[2] == date(2015, 2, 27)]
    assert [r[3] for r in feb27[:2]] == [r[3] + 5 for r in [x for x in v1 if x[2] == date(2015, 2, 27)][:2]]
    current = conn.execute("select count(*) from core.actuals_current").fetchone()
    assert current == (len(v3),)
    assert conn.execute("select count(*) from core.actuals").fetchone() == (len(v3) + 3,)
    assert latest_version(conn) == 3

    # month checksums: every month of every version; untouched months keep their checksum
    months = {v: month_checksums(conn, v).set_index("month")["checksum"].to_dict() for v in (1, 2, 3)}
    assert [len(months[v]) for v in (1, 2, 3)] == [2, 3, 3]
    assert months[2][date(2015, 1, 1)] == months[1][date(2015, 1, 1)]
    assert months[2][date(2015, 2, 1)] != months[1][date(2015, 2, 1)]
    assert months[3][date(2015, 2, 1)] == months[2][date(2015, 2, 1)]
    assert months[3][date(2015, 3, 1)] != months[2][date(2015, 3, 1)]
    for version in (1, 2, 3):
        assert all(check.ok for check in verify_version(conn, version))
    frame = list_versions(conn)
    assert list(frame["version"]) == [1, 2, 3]
    assert list(frame["rows_restated"]) == [0, 2, 1]


def test_reload_same_file_and_unchanged_content(conn: psycopg.Connection, tmp_path: Path) -> None:
    path = rossmann_file(tmp_path / "train.csv.gz", 2, JAN, date(2015, 1, 31))
    assert load_actuals(conn, path, new_series=True).version_id == 1
    before = snapshot(conn)
    again = load_actuals(conn, path, new_series=True)
    assert again.already_loaded and again.version_id == 1
    assert again.message == "train.csv.gz: already loaded as version 1"
    # the same rows in another file (not gzip, other order): no new version either
    rows = rossmann_rows(2, JAN, date(2015, 1, 31))
    copy = load_actuals(conn, write_csv(tmp_path / "copy.csv", ROSSMANN_HEADER, rows[::-1]), new_series=True)
    assert copy.version_id is None and not copy.already_loaded
    assert "nothing changed" in copy.message and "no version created" in copy.message
    assert snapshot(conn) == before


def test_silent_change_of_an_old_month_is_detected(conn: psycopg.Connection, tmp_path: Path) -> None:
    load_actuals(conn, rossmann_file(tmp_path / "t.csv", 2, JAN, FEB_END), new_series=True)
    conn.execute("update core.actuals set sales = sales + 1 where sale_date = '2015-01-15' and series_id = 1")
    checks = {c.month: c.ok for c in verify_version(conn, 1)}
    assert checks == {date(2015, 1, 1): False, date(2015, 2, 1): True}
    conn.rollback()


def test_checksum_does_not_depend_on_load_order(conn: psycopg.Connection, tmp_path: Path) -> None:
    load_actuals(conn, rossmann_file(tmp_path / "a.csv", 2, JAN, FEB_END), new_series=True)
    whole = month_checksums(conn, 1)["checksum"].tolist()
    conn.execute("truncate core.data_version_month, core.actuals, core.data_version restart identity cascade")
    conn.commit()
    load_actuals(conn, rossmann_file(tmp_path / "jan.csv", 2, JAN, date(2015, 1, 31)), new_series=True)
    load_actuals(conn, rossmann_file(tmp_path / "feb.csv", 2, date(2015, 2, 1), FEB_END), new_series=True)
    assert month_checksums(conn, 2)["checksum"].tolist() == whole


def test_favorita_layout_and_plan_flags(conn: psycopg.Connection, tmp_path: Path) -> None:
    rows = [
        f"{i},2017-01-{d:02d},{s},{fam},{s * 10 + d}.5,{d % 2}"
        for i, (d, s, fam) in enumerate(
            (d, s, fam)
            for d in range(1, 11)
            for s in (1, 2)
            for fam in ("BREAD/BAKERY", '"LIQUOR,WINE,BEER"')
        )
    ]
    result = load_actuals(
        conn,
        write_csv(tmp_path / "train.csv", "id,date,store_nbr,family,sales,onpromotion", rows),
        new_series=True,
    )
    assert result.layout == "favorita" and result.inserted == 40
    groups = conn.execute("select group_id from core.product_group order by 1").fetchall()
    assert groups == [("BREAD/BAKERY",), ("LIQUOR,WINE,BEER",)]
    plan_rows = [f"{100 + d},2017-02-{d:02d},1,BREAD/BAKERY,{d}" for d in range(1, 6)]
    plan = load_plan(
        conn,
        write_csv(tmp_path / "test.csv", "id,date,store_nbr,family,onpromotion", plan_rows),
        new_series=True,
    )
    assert plan.version_id == 2 and plan.layout == "favorita-plan" and plan.inserted == 5
    planned = conn.execute("select plan_date, promo from core.planned_as_of(2) order by 1").fetchall()
    assert planned[0] == (date(2017, 2, 1), 1) and len(planned) == 5
    assert conn.execute("select count(*) from core.planned_as_of(1)").fetchone() == (0,)
    # a plan version keeps the actuals' month checksums
    assert month_checksums(conn, 2).equals(month_checksums(conn, 1))


def test_generic_layout_from_mapping(conn: psycopg.Connection, tmp_path: Path) -> None:
    mapping = tmp_path / "erp.toml"
    mapping.write_text(
        'name = "erp"\nignore = ["comment"]\n[columns]\nstore_id = "shop"\nsale_date = "day"\n'
        'sales = "revenue"\npromo = "promo"\n'
    )
    rows = [f"S{s},2016-05-{d:02d},{s * d}.25,{d % 2},note" for s in (1, 2) for d in range(1, 8)]
    path = write_csv(tmp_path / "erp.csv", "shop,day,revenue,promo,comment", rows)
    result = load_actuals(conn, path, mapping=mapping, new_series=True)
    assert result.layout == "generic:erp" and result.inserted == 14
    assert conn.execute("select distinct group_id from core.series").fetchall() == [("all",)]


def test_stores_and_holidays(conn: psycopg.Connection, tmp_path: Path) -> None:
    stores = write_csv(
        tmp_path / "store.csv",
        "Store,StoreType,Assortment,CompetitionDistance,PromoInterval",
        ['1,c,a,1270,""', '2,a,a,570,"Jan,Apr,Jul,Oct"'],
    )
    assert load_stores(conn, stores) == 2
    row = conn.execute(
        "select store_type, assortment, attributes from core.store where store_id = '2'"
    ).fetchone()
    assert row == ("a", "a", {"CompetitionDistance": 570, "PromoInterval": "Jan,Apr,Jul,Oct"})
    holidays = write_csv(
        tmp_path / "holidays_events.csv",
        "date,type,locale,locale_name,description,transferred",
        [
            "2016-01-01,Holiday,National,Ecuador,Primer dia del ano,False",
            "2016-08-10,Holiday,National,Ecuador,Primer Grito de Independencia,True",
            "2016-08-12,Transfer,National,Ecuador,Traslado Primer Grito de Independencia,False",
            "2016-05-08,Event,National,Ecuador,Dia de la Madre,False",
            "2016-04-12,Holiday,Local,Cuenca,Fundacion de Cuenca,False",
        ],
    )
    assert load_holidays(conn, holidays) == 5
    flags = dict(
        (r[0], r[1:])
        for r in conn.execute(
            "select calendar_date, is_holiday, is_event from core.calendar"
            " where calendar_date in ('2016-01-01','2016-08-10','2016-08-12','2016-05-08','2016-04-12')"
        ).fetchall()
    )
    assert flags[date(2016, 1, 1)] == (True, False)
    assert flags[date(2016, 8, 10)] == (False, False)
    assert flags[date(2016, 8, 12)] == (True, False)
    assert flags[date(2016, 5, 8)] == (False, True)
    assert flags[date(2016, 4, 12)] == (False, False)
    assert conn.execute("select count(*) from core.holiday").fetchone() == (5,)


@pytest.mark.parametrize("kind", ["actuals", "plan"])
def test_wrong_kind_of_file(conn: psycopg.Connection, tmp_path: Path, kind: str) -> None:
    from planfact.errors import InputError

    plan_header = "Store,DayOfWeek,Date,Open,Promo,StateHoliday,SchoolHoliday"
    path = write_csv(tmp_path / "plan.csv", plan_header, ["1,5,2015-07-31,1,1,0,1"])
    if kind == "actuals":
        with pytest.raises(InputError, match="load it with `planfact load plan`"):
            load_actuals(conn, path, new_series=True)
    else:
        assert load_plan(conn, path, new_series=True).inserted == 1


def _keys_and_indexes(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "select kind, object_name, definition from (" + _TABLE_INDEXES + ") as x order by 1, 2"
    ).fetchall()


_TABLE_INDEXES = """
    select 'constraint' as kind, conname::text as object_name, pg_get_constraintdef(oid) as definition
    from pg_constraint where conrelid = 'core.actuals'::regclass and convalidated
    union all
    select 'index', indexrelid::regclass::text, pg_get_indexdef(indexrelid)
    from pg_index where indrelid = 'core.actuals'::regclass and indisvalid
"""


def test_bulk_first_load_rebuilds_keys_and_checksums_the_stage(
    conn: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first-load path (indexes and keys dropped, rebuilt, month checksums from the stage)."""
    import planfact.actuals.bulk as bulk

    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)
    before = _keys_and_indexes(conn)
    duplicated = rossmann_rows(2, JAN, date(2015, 1, 31))
    refused = write_csv(tmp_path / "dup.csv", ROSSMANN_HEADER, [*duplicated, duplicated[5]])
    empty = snapshot(conn)
    with pytest.raises(Exception, match="duplicate key"):
        load_actuals(conn, refused, new_series=True)
    assert snapshot(conn) == empty and _keys_and_indexes(conn) == before

    # (the bulk path finds duplicates when the unique key is rebuilt, after the version id was
    # drawn: the refused load leaves a gap in the ids, nothing else)
    first = load_actuals(conn, rossmann_file(tmp_path / "v1.csv", 3, JAN, FEB_END), new_series=True)
    assert first.version_id is not None and first.inserted == 177
    # every key, index and foreign key is back, validated, with the same definition
    assert _keys_and_indexes(conn) == before
    assert all(check.ok for check in verify_version(conn, first.version_id))
    # the next (non-bulk) load finds the same checksum for an untouched month
    second = load_actuals(
        conn, rossmann_file(tmp_path / "v2.csv", 3, date(2015, 3, 1), date(2015, 3, 31)), new_series=True
    )
    assert second.version_id is not None and second.version_id > first.version_id
    versions = (first.version_id, second.version_id)
    sums = {v: month_checksums(conn, v).set_index("month")["checksum"].to_dict() for v in versions}
    assert sums[versions[1]][JAN] == sums[versions[0]][JAN]
    assert all(check.ok for check in verify_version(conn, versions[1]))
