"""The demo data generator: deterministic, Favorita-shaped, with the effects it promises."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planfact.demo.synthetic import SIZES, generate, holiday_calendar
from planfact.demo.synthetic.files import (
    restate_month,
    write_full,
    write_history,
    write_month_files,
    write_reference_files,
    write_restatement,
)
from planfact.demo.synthetic.sales import SALES_COLUMNS
from support import ROOT as PROJECT_ROOT

FAVORITA = PROJECT_ROOT.parent / "shared" / "data" / "favorita"


@pytest.fixture(scope="module")
def small():
    return generate("small", seed=7)


@pytest.fixture(scope="module")
def tiny():
    return generate("tiny", seed=7)


def test_same_seed_gives_identical_frames() -> None:
    first, second = generate("tiny", seed=11), generate("tiny", seed=11)
    pd.testing.assert_frame_equal(first.stores, second.stores)
    pd.testing.assert_frame_equal(first.holidays, second.holidays)
    pd.testing.assert_frame_equal(first.sales, second.sales)
    other = generate("tiny", seed=12)
    assert not np.array_equal(first.sales["sales"].to_numpy(), other.sales["sales"].to_numpy())


@pytest.mark.parametrize("size", ["tiny", "small"])
def test_shapes_follow_the_size(size: str) -> None:
    data = generate(size, start="2014-01-01", end="2014-03-31")
    spec = SIZES[size]
    days = 31 + 28 + 31
    assert list(data.sales.columns) == SALES_COLUMNS
    assert list(data.stores.columns) == ["store_nbr", "city", "state", "type", "cluster"]
    assert len(data.stores) == spec.stores
    assert data.sales["family"].nunique() == spec.families
    assert data.series_count == spec.stores * spec.families
    assert len(data.sales) == spec.stores * spec.families * days
    assert data.sales["id"].tolist() == list(range(len(data.sales)))
    assert not data.sales.duplicated(["date", "store_nbr", "family"]).any()
    assert (data.sales["sales"] >= 0).all() and (data.sales["onpromotion"] >= 0).all()
    assert data.months() == [date(2014, 1, 1), date(2014, 2, 1), date(2014, 3, 1)]
    assert (data.start, data.end) == (date(2014, 1, 1), date(2014, 3, 31))


def test_large_has_thousands_of_series() -> None:
    assert SIZES["large"].stores * SIZES["large"].families >= 3000


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        generate("huge")
    with pytest.raises(ValueError, match="before start"):
        generate("tiny", start="2015-01-01", end="2014-01-01")
    with pytest.raises(ValueError, match="end is not a date"):
        generate("tiny", end="yesterday-ish")


def test_promotions_lift_sales(small) -> None:
    sales = small.sales
    open_days = sales[sales.groupby(["date", "store_nbr"])["sales"].transform("sum") > 0]
    big = open_days[open_days["family"].isin(["GROCERY I", "BEVERAGES", "CLEANING", "DAIRY"])]
    means = big.groupby(["store_nbr", "family", big["onpromotion"] > 0], observed=True)["sales"].mean()
    ratio = (means.xs(True, level=2) / means.xs(False, level=2)).dropna()
    assert len(ratio) >= 30
    assert ratio.median() > 1.15
    assert sales["onpromotion"].gt(0).mean() > 0.1


def test_closed_days_are_zero_for_every_family(small) -> None:
    per_store_day = small.sales.groupby(["date", "store_nbr"])["sales"].sum()
    closed = per_store_day[per_store_day == 0].reset_index()
    fixed = closed["date"].dt.strftime("%m-%d").isin(["01-01", "12-25"])
    # New Year and Christmas: every store closed, every year.
    assert closed[fixed].groupby("date").size().eq(len(small.stores)).all()
    assert closed[fixed]["date"].nunique() == 6
    # Other closures hit single stores while the rest trade.
    assert (~fixed).sum() >= 5
    others = per_store_day.unstack()
    assert (others.loc[closed.loc[~fixed, "date"].unique()].gt(0).sum(axis=1) > 0).all()
    # A closed store promotes nothing.
    promo = small.sales.groupby(["date", "store_nbr"])["onpromotion"].sum()
    assert promo[per_store_day == 0].eq(0).all()


def test_zero_selling_series_and_seasonality(small) -> None:
    totals = small.sales.groupby(["store_nbr", "family"], observed=True)["sales"].sum()
    assert 1 <= (totals == 0).sum() < len(totals) // 5
    grocery = small.sales[small.sales["family"] == "GROCERY I"]
    grocery = grocery[grocery["sales"] > 0]
    weekday = grocery.groupby(grocery["date"].dt.day_of_week)["sales"].mean()
    assert weekday[6] > 1.2 * weekday[1]  # Sunday over Tuesday
    yearly = grocery.groupby(grocery["date"].dt.year)["sales"].mean()
    assert yearly.is_monotonic_increasing  # the average store grows


def test_holidays_move_sales(small) -> None:
    daily = small.sales.groupby("date")["sales"].sum()
    december = daily[(daily.index.month == 12) & (daily.index.day <= 19)]
    eves = daily[(daily.index.month == 12) & daily.index.day.isin([22, 23, 24])]
    assert eves.mean() > 1.2 * december.mean()


def test_holidays_come_from_calendar_rules() -> None:
    frame = holiday_calendar(2014, 2015, states=["Azuay"], cities=["Cuenca", "Nowhere"])
    assert list(frame.columns) == ["date", "type", "locale", "locale_name", "description", "transferred"]
    rows = set(zip(frame["date"].dt.date, frame["description"], frame["transferred"], strict=True))
    # Easter 2015 is April 5: Carnival 48 and 47 days before, Good Friday 2 days before.
    assert (date(2015, 2, 16), "Carnaval", False) in rows and (date(2015, 2, 17), "Carnaval", False) in rows
    assert (date(2015, 4, 3), "Viernes Santo", False) in rows
    # 2014-10-09 is a Thursday: the holiday moves to Friday the 10th.
    assert (date(2014, 10, 9), "Independencia de Guayaquil", True) in rows
    assert (date(2014, 10, 10), "Traslado Independencia de Guayaquil", False) in rows
    assert (date(2015, 5, 10), "Dia de la Madre", False) in rows  # second Sunday of May
    assert (date(2015, 11, 27), "Black Friday", False) in rows
    # Only the given places get regional and local days; unknown places are skipped.
    places = frame.loc[frame["locale"] != "National", ["locale", "locale_name"]].drop_duplicates()
    assert sorted(map(tuple, places.to_numpy())) == [("Local", "Cuenca"), ("Regional", "Azuay")]
    with pytest.raises(ValueError, match="before first_year"):
        holiday_calendar(2015, 2014)


def test_generated_holidays_cover_the_store_places(tiny) -> None:
    places = tiny.holidays.loc[tiny.holidays["locale"] == "Local", "locale_name"]
    assert set(places) == set(tiny.stores["city"])
    assert tiny.holidays["date"].dt.year.max() == tiny.end.year + 1  # forecasts past the end see them


@pytest.mark.skipif(not FAVORITA.is_dir(), reason=f"real Favorita holidays not found in {FAVORITA}")
def test_national_holidays_match_the_real_favorita_file() -> None:
    real = pd.read_csv(FAVORITA / "holidays_events.csv.gz", parse_dates=["date"])
    ours = holiday_calendar(2014, 2015)

    def national(frame: pd.DataFrame) -> set:
        keep = frame[
            (frame["locale"] == "National")
            & frame["type"].isin(["Holiday", "Transfer"])
            & frame["date"].dt.year.isin([2014, 2015])
        ]
        return set(zip(keep["date"], keep["type"], keep["transferred"].astype(bool), strict=True))

    assert national(ours) == national(real)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, parse_dates=["date"])


def test_month_files_are_reproducible_and_complete(tiny, tmp_path: Path) -> None:
    files = write_month_files(tiny, tmp_path, "2015-06")
    assert files.actuals.name == "actuals_2015-06.csv.gz" and files.plan.name == "plan_2015-07.csv.gz"
    actuals = _read(files.actuals)
    expected = tiny.month_rows(date(2015, 6, 1)).reset_index(drop=True)
    assert list(actuals.columns) == SALES_COLUMNS
    pd.testing.assert_frame_equal(actuals, expected.assign(family=expected["family"].astype(str)),
                                  check_dtype=False)
    plan = _read(files.plan)
    assert list(plan.columns) == ["id", "date", "store_nbr", "family", "onpromotion"]
    assert plan["date"].dt.month.eq(7).all() and len(plan) == 9 * 31
    digest = hashlib.sha256(files.actuals.read_bytes()).hexdigest()
    again = write_month_files(generate("tiny", seed=7), tmp_path / "again", "2015-06")
    assert hashlib.sha256(again.actuals.read_bytes()).hexdigest() == digest
    last = write_month_files(tiny, tmp_path, "2015-12")
    assert last.plan is None  # the data end there: nothing known about January
    with pytest.raises(ValueError, match="no sales in 2016-01"):
        write_month_files(tiny, tmp_path, "2016-01")


def test_reference_history_and_full_files(tiny, tmp_path: Path) -> None:
    paths = write_reference_files(tiny, tmp_path)
    stores = pd.read_csv(paths["stores"])
    pd.testing.assert_frame_equal(stores, tiny.stores, check_dtype=False)
    holidays = pd.read_csv(paths["holidays"])
    assert len(holidays) == len(tiny.holidays)
    assert set(holidays["transferred"].astype(str)) == {"True", "False"}
    history = write_history(tiny, tmp_path, before="2015-07")
    assert history.name == "actuals_2015-06_history.csv.gz"
    assert _read(history)["date"].max() == pd.Timestamp("2015-06-30")
    full = write_full(tiny, tmp_path)
    with gzip.open(full, "rt") as handle:
        assert sum(1 for _ in handle) == len(tiny.sales) + 1


def test_restatement_changes_a_few_store_days(small, tmp_path: Path) -> None:
    original = small.month_rows(date(2015, 3, 1)).reset_index(drop=True)
    restated = restate_month(small, "2015-03", days=3).reset_index(drop=True)
    assert restated["id"].equals(original["id"])
    changed = restated[restated["sales"] != original["sales"]]
    assert 3 <= len(changed) <= 3 * small.sales["family"].nunique()
    assert changed[["date", "store_nbr"]].drop_duplicates().shape[0] <= 3
    assert (restated["sales"] >= 0).all()
    path = write_restatement(small, tmp_path, "2015-03")
    assert path.name == "actuals_2015-03_restated.csv.gz"
    pd.testing.assert_series_equal(_read(path)["sales"], restated["sales"], check_names=False)
