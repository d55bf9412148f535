"""The small known mart dataset is internally consistent (see support.mart_dataset)."""

from __future__ import annotations

import psycopg
import pytest

from support.mart_dataset import build


def test_dataset_is_consistent(conn: psycopg.Connection) -> None:
    data = build(conn)
    count = conn.execute("select count(*) from core.actuals_current").fetchone()
    assert count == (len(data.current),)
    as_of_1 = conn.execute(
        "select count(*), sum(sales) from core.actuals_as_of(%s)", (data.versions[0],)
    ).fetchone()
    assert as_of_1 is not None
    assert as_of_1[0] == len(data.v1)
    assert float(as_of_1[1]) == pytest.approx(data.v1["sales"].sum())
    plans = dict(conn.execute("select target_month, run_id from forecast.plan_of_record").fetchall())
    assert plans == data.plans
