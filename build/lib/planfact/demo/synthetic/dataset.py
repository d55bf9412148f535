"""``generate``: a whole Favorita-shaped dataset (stores, holidays, daily sales) from a seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from planfact.demo.synthetic.catalog import SIZES, families_for, make_stores
from planfact.demo.synthetic.holidays import holiday_calendar
from planfact.demo.synthetic.sales import SALES_COLUMNS, draw_sales

__all__ = ["SyntheticData", "generate"]


@dataclass(frozen=True)
class SyntheticData:
    """A generated dataset in the Kaggle Favorita layouts.

    ``stores``: one row per store (store_nbr, city, state, type, cluster).
    ``holidays``: one row per date, locale and description (holidays_events.csv layout),
    covering the years of the sales and the year after, so forecasts past the end see them.
    ``sales``: one row per day, store and family (train.csv layout: id, date, store_nbr,
    family, sales, onpromotion), ordered by date, store, family; ``id`` is the row number.
    """

    size: str
    seed: int
    stores: pd.DataFrame
    holidays: pd.DataFrame
    sales: pd.DataFrame

    @property
    def start(self) -> date:
        """The first day with sales."""
        return self.sales["date"].iloc[0].date()

    @property
    def end(self) -> date:
        """The last day with sales."""
        return self.sales["date"].iloc[-1].date()

    @property
    def series_count(self) -> int:
        """Number of store x family series."""
        return len(self.stores) * self.sales["family"].nunique()

    def months(self) -> list[date]:
        """First days of the calendar months that have sales, in order."""
        periods = self.sales["date"].dt.to_period("M").unique()
        return [p.to_timestamp().date() for p in sorted(periods)]

    def month_rows(self, month: date) -> pd.DataFrame:
        """The sales rows of one calendar month (``month`` is any day in it)."""
        period = pd.Period(month, freq="M")
        dates = self.sales["date"]
        mask = (dates >= period.start_time) & (dates <= period.end_time)
        return self.sales.loc[mask]


def _as_timestamp(value: str | date, name: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ValueError(f"{name} is not a date: {value!r}") from None


def generate(
    size: str = "small", seed: int = 7, start: str | date = "2013-01-01", end: str | date = "2015-12-31"
) -> SyntheticData:
    """Generate stores, holidays and daily sales; identical frames for identical arguments.

    ``size`` is one of ``tiny`` (9 series), ``small`` (300) or ``large`` (3,300).
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    first, last = _as_timestamp(start, "start"), _as_timestamp(end, "end")
    if last < first:
        raise ValueError(f"end {last.date()} is before start {first.date()}")
    spec = SIZES[size]
    rng = np.random.default_rng(seed)
    stores = make_stores(rng, spec.stores)
    holidays = holiday_calendar(
        first.year, last.year + 1, states=stores["state"].tolist(), cities=stores["city"].tolist()
    )
    families = sorted(families_for(spec), key=lambda f: f.name)
    dates = pd.date_range(first, last, freq="D")
    draw = draw_sales(rng, stores, families, dates, holidays)

    n_series, n_days = draw.sales.shape
    names = [f.name for f in families]
    family_codes = np.tile(np.arange(len(names)), len(stores) * n_days)
    sales = pd.DataFrame(
        {
            "id": np.arange(n_series * n_days, dtype=np.int64),
            "date": np.repeat(dates.to_numpy(), n_series),
            "store_nbr": np.tile(np.repeat(stores["store_nbr"].to_numpy(), len(names)), n_days),
            "family": pd.Categorical.from_codes(family_codes, categories=names),
            # Day-major order as in Kaggle's train.csv: transpose the (series, day) panel.
            "sales": draw.sales.T.ravel(),
            "onpromotion": draw.promo.T.ravel(),
        },
        columns=SALES_COLUMNS,
    )
    return SyntheticData(size=size, seed=seed, stores=stores, holidays=holidays, sales=sales)
