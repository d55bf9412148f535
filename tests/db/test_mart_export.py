"""mart.export_training: the model input as of a data version and cutoff, and reader access."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import psycopg
import pytest

from planfact.mart import refresh_mart
from support.mart_dataset import CALENDAR_HOLIDAY, GAP, NEW_IN_JULY, RESTATED, SERIES, Dataset, build, days

COLUMNS = [
    "series_id",
    "ds",
    "y",
    "promo",
    "is_open",
    "is_holiday",
    "school_holiday",
    "store_id",
    "group_id",
    "store_type",
]


@pytest.fixture
def data(conn: psycopg.Connection) -> Dataset:
    return build(conn)


def _export(
    conn: psycopg.Connection, version: int, cutoff: date, series: list[int] | None = None
) -> pd.DataFrame:
    cur = conn.execute("select * from mart.export_training(%s, %s, %s)", (version, cutoff, series))
    assert [c.name for c in cur.description or []] == COLUMNS
    return pd.DataFrame(cur.fetchall(), columns=COLUMNS)


def test_old_version_reads_back_exactly(conn: psycopg.Connection, data: Dataset) -> None:
    v1, _ = data.versions
    got = _export(conn, v1, date(2015, 6, 30))
    history = got[got.ds <= date(2015, 6, 30)]
    # exactly version 1's facts: the restated days keep their first values
    observed = history[history.y.notna()].set_index(["series_id", "ds"])["y"].sort_index()
    expected = data.v1.set_index(["series_id", "sale_date"])["sales"].sort_index()
    assert observed.index.tolist() == expected.index.tolist()
    np.testing.assert_array_equal(observed.to_numpy(), expected.to_numpy())
    for key in RESTATED:
        assert observed.loc[key] != RESTATED[key]
    # every day of every series from its first actual to the end of the next month, in order
    assert set(got.series_id) == set(SERIES) - {NEW_IN_JULY}
    for series_id, part in got.groupby("series_id"):
        assert part.ds.tolist() == days(date(2015, 5, 1), date(2015, 7, 31)), series_id
    assert got[["series_id", "ds"]].equals(got[["series_id", "ds"]].sort_values(["series_id", "ds"]))


def test_gaps_and_future_rows(conn: psycopg.Connection, data: Dataset) -> None:
    got = _export(conn, data.versions[0], date(2015, 6, 30)).set_index(["series_id", "ds"])
    gap = got.loc[[(GAP[0], d) for d in days(GAP[1], GAP[2])]]
    assert gap.y.isna().all() and (gap.is_open == 1).all() and (gap.promo == 0).all()
    future = got[got.index.get_level_values("ds") > date(2015, 6, 30)]
    assert len(future) == 4 * 31
    assert future.y.isna().all() and (future.promo == 0).all() and (future.school_holiday == 0).all()
    # open flag of the horizon: majority of the same weekday over the last 4 weeks (Sundays closed)
    sunday = np.array([d.isoweekday() == 7 for d in future.index.get_level_values("ds")])
    assert (future.is_open[sunday] == 0).all() and (future.is_open[~sunday] == 1).all()
    holiday = future.index.get_level_values("ds") == CALENDAR_HOLIDAY
    assert (future.is_holiday[holiday] == 1).all() and (future.is_holiday[~holiday] == 0).all()
    # the state holiday reported with S1's sales
    assert (
        got.loc[(1, date(2015, 6, 4)), "is_holiday"] == 1
        and got.loc[(3, date(2015, 6, 4)), "is_holiday"] == 0
    )
    row = got.loc[(4, date(2015, 5, 4))]
    assert (row.store_id, row.group_id, row.store_type) == ("S3", "G2", "b")
    observed = got[got.y.notna()]
    expected = data.v1.set_index(["series_id", "sale_date"]).loc[observed.index]
    assert (observed.promo.to_numpy() == expected.promo.to_numpy()).all()
    assert (observed.is_open.to_numpy() == expected.is_open.astype(int).to_numpy()).all()


def test_later_version_sees_restatements_and_new_series(conn: psycopg.Connection, data: Dataset) -> None:
    v2 = data.versions[1]
    june = _export(conn, v2, date(2015, 6, 30)).set_index(["series_id", "ds"])
    for key, sales in RESTATED.items():
        assert june.loc[key, "y"] == sales
    assert NEW_IN_JULY not in june.index.get_level_values("series_id")  # first actual after the cutoff
    july = _export(conn, v2, date(2015, 7, 31))
    assert july.ds.max() == date(2015, 8, 31)
    new = july[july.series_id == NEW_IN_JULY]
    assert new.ds.min() == date(2015, 7, 1) and new[new.ds <= date(2015, 7, 31)].y.notna().all()
    # no actual after the cutoff leaks into y, even when the version holds it
    assert _export(conn, v2, date(2015, 6, 30)).query("ds > @date(2015, 6, 30)").y.isna().all()


def test_future_flags_from_planned_values_as_of_the_version(conn: psycopg.Connection, data: Dataset) -> None:
    v1, v2 = data.versions
    planned = [
        (1, date(2015, 7, 6), 1, None, None, None, v1),  # a promo planned in version 1 ...
        (1, date(2015, 7, 7), None, False, "b", True, v1),  # closed on a Tuesday, a state holiday
        (1, date(2015, 7, 6), 0, None, None, None, v2),  # ... and cancelled in version 2
    ]
    insert = (
        "insert into core.planned_exogenous (series_id, plan_date, promo, is_open, state_holiday,"
        " school_holiday, valid_from_version) values (%s, %s, %s, %s, %s, %s, %s)"
    )
    conn.cursor().executemany(insert, planned[:2])
    conn.execute(
        "update core.planned_exogenous set valid_to_version = %s where plan_date = '2015-07-06'", (v2,)
    )
    conn.execute(insert, planned[2])
    as_of = {v: _export(conn, v, date(2015, 6, 30)).set_index(["series_id", "ds"]) for v in (v1, v2)}
    assert as_of[v1].loc[(1, date(2015, 7, 6)), "promo"] == 1
    assert as_of[v2].loc[(1, date(2015, 7, 6)), "promo"] == 0
    tuesday = as_of[v1].loc[(1, date(2015, 7, 7))]
    assert (tuesday.is_open, tuesday.is_holiday, tuesday.school_holiday) == (0, 1, 1)
    other = as_of[v1].loc[(2, date(2015, 7, 7))]  # unplanned series keep the defaults
    assert (other.is_open, other.is_holiday, other.promo) == (1, 0, 0)


def test_series_filter_and_bad_parameters(conn: psycopg.Connection, data: Dataset) -> None:
    part = _export(conn, data.versions[0], date(2015, 6, 30), [2, 4])
    assert set(part.series_id) == {2, 4}
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="data version 99 does not exist"):
        _export(conn, 99, date(2015, 6, 30))
    conn.rollback()
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_cutoff"):
        _export(conn, data.versions[0], None)  # type: ignore[arg-type]
    conn.rollback()


def test_reader_reads_every_mart_object(conn: psycopg.Connection, data: Dataset) -> None:
    refresh_mart(conn)
    relations = [
        r[0]
        for r in conn.execute(
            "select format('%I.%I', n.nspname, c.relname) from pg_class as c"
            " join pg_namespace as n on n.oid = c.relnamespace"
            " where n.nspname = 'mart' and c.relkind in ('v', 'm', 'r')"
        )
    ]
    assert len(relations) >= 10
    conn.execute("set role planfact_reader")
    for relation in relations:
        conn.execute(f"select * from {relation} limit 1")  # noqa: S608 - names from the catalog
    rows = conn.execute(
        "select count(*) from mart.export_training(%s, '2015-06-30')", (data.versions[0],)
    ).fetchone()
    assert rows is not None and rows[0] > 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select count(*) from core.actuals")
    conn.rollback()
    granted = conn.execute(
        "select has_function_privilege('public', 'mart.export_training(integer, date, integer[])', 'execute')"
    ).fetchone()
    assert granted == (False,)  # security definer: only the planfact roles may call it
