"""The straight load path (a file that only adds days is copied straight into core.actuals) next
to the staged diff: the same rows, as-of reads, restatements and checksums."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

import planfact.actuals.loader as loader
from planfact.actuals import load_actuals
from planfact.actuals.clean import bool_value, promo_value
from planfact.errors import InputError
from planfact.versions import month_checksums, verify_version
from support.actuals_files import ROSSMANN_HEADER, as_of, rossmann_file, rossmann_rows, snapshot, write_csv

JAN, FEB_END, MAR, MAR_END = date(2015, 1, 1), date(2015, 2, 28), date(2015, 3, 1), date(2015, 3, 31)
FAVORITA_HEADER = "id,date,store_nbr,family,sales,onpromotion"


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path each load took, in order: "straight" or "staged"."""
    taken: list[str] = []
    straight = loader.load_straight

    def spy(*args: object, **kwargs: object) -> object:
        result = straight(*args, **kwargs)  # type: ignore[arg-type]
        taken.append("straight" if result is not None else "staged")
        return result

    monkeypatch.setattr(loader, "load_straight", spy)
    return taken


def _state(conn: psycopg.Connection, versions: list[int]) -> tuple[list, list]:
    sums = [month_checksums(conn, v).to_dict("records") for v in versions]
    return [as_of(conn, v) for v in versions], sums


def _reset(conn: psycopg.Connection) -> None:
    conn.execute(
        "truncate core.data_version_month, core.data_version_file, core.actuals, core.data_version,"
        " core.series, core.store, core.product_group restart identity cascade"
    )
    conn.commit()


def test_first_load_and_increment_go_straight_a_restatement_is_diffed(
    conn: psycopg.Connection, tmp_path: Path, paths: list[str]
) -> None:
    first = load_actuals(conn, rossmann_file(tmp_path / "jf.csv.gz", 3, JAN, FEB_END), new_series=True)
    assert (first.version_id, first.inserted) == (1, 3 * 59)
    march = load_actuals(conn, rossmann_file(tmp_path / "mar.csv", 3, MAR, MAR_END), new_series=True)
    assert (march.version_id, march.inserted, march.restated) == (2, 93, 0)
    assert paths == ["straight", "straight"]
    # a file overlapping the current data: staged and diffed
    rows = rossmann_rows(3, date(2015, 3, 30), date(2015, 4, 2), bump=2)
    overlap = load_actuals(conn, write_csv(tmp_path / "over.csv", ROSSMANN_HEADER, rows), new_series=True)
    assert (overlap.version_id, overlap.inserted, overlap.restated) == (3, 6, 6)
    assert paths[-1] == "staged"
    v1, v2, v3 = (as_of(conn, v) for v in (1, 2, 3))
    assert len(v1) == 177 and len(v2) == 270 and len(v3) == 276
    assert [r for r in v3 if r[2] == date(2015, 3, 30)] != [r for r in v2 if r[2] == date(2015, 3, 30)]
    for version in (1, 2, 3):
        assert all(check.ok for check in verify_version(conn, version))
    # an increment after the restatement goes straight again, on top of it
    conn.commit()
    april = load_actuals(
        conn, rossmann_file(tmp_path / "apr.csv", 3, date(2015, 4, 3), date(2015, 4, 30)), new_series=True
    )
    assert (april.version_id, april.inserted) == (4, 84) and paths[-1] == "straight"
    assert all(check.ok for check in verify_version(conn, 4))
    assert as_of(conn, 3) == v3 and len(as_of(conn, 4)) == 276 + 84


def test_straight_and_staged_paths_store_the_same_rows_and_checksums(
    conn: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: list[str]
) -> None:
    favorita = [
        f"{i},2017-01-{d:02d},{s},{fam},{s * 10 + d}.{d % 10}{s},{d % 3}"
        for i, (d, s, fam) in enumerate(
            (d, s, fam) for d in range(1, 29) for s in (1, 2) for fam in ("BREAD/BAKERY", "DAIRY")
        )
    ]
    files = [
        rossmann_file(tmp_path / "a.csv", 4, JAN, FEB_END, bump=0.25),
        rossmann_file(tmp_path / "b.csv.gz", 4, MAR, MAR_END),
        write_csv(tmp_path / "fav.csv", FAVORITA_HEADER, favorita),
    ]

    def load_all() -> tuple[list, list]:
        for path in files:
            assert load_actuals(conn, path, new_series=True).version_id is not None
        return _state(conn, [1, 2, 3])

    straight = load_all()
    assert paths == ["straight"] * 3
    _reset(conn)
    monkeypatch.setattr(loader, "load_straight", lambda *a, **k: None)
    staged = load_all()
    assert straight == staged


def test_a_refused_straight_candidate_leaves_no_table(conn: psycopg.Connection, tmp_path: Path) -> None:
    rows = rossmann_rows(2, JAN, date(2015, 1, 31))
    before = snapshot(conn)
    twice = write_csv(tmp_path / "dup.csv", ROSSMANN_HEADER, [*rows, rows[3]])
    with pytest.raises(InputError, match="line 64"):
        load_actuals(conn, twice, new_series=True)
    assert snapshot(conn) == before
    unknown = rossmann_file(tmp_path / "new.csv", 2, JAN, date(2015, 1, 31))
    with pytest.raises(InputError, match="unknown store"):
        load_actuals(conn, unknown)
    assert snapshot(conn) == before


def test_python_readings_match_postgres(conn: psycopg.Connection) -> None:
    for value in [
        "",
        "0",
        "1",
        "3",
        "007",
        "123456789",
        "True",
        "false",
        "t",
        "F",
        "yes",
        "No",
        "x",
        "-1",
        "1.0",
    ]:
        expected = conn.execute("select core.promo_value(%s)", (value,)).fetchone()
        assert promo_value(value) == (expected[0] if expected else None), value
    for value in ["0", "1", "t", "f", "TRUE", "False", "y", "yes", "NO", "on", "OFF", "x", "2", " 1"]:
        found = bool_value(value)
        if found is None:
            continue  # left to the staging
        assert conn.execute("select %s::boolean, core.flag_value(%s)", (value, value)).fetchone() == (
            found,
            found,
        ), value
    conn.rollback()
