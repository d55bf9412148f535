"""The daily sales model: a product of interpretable effects plus noise, drawn with one generator.

All arrays are (series, day) with series ordered store-major, families alphabetical within a
store (Favorita's order). Expected units per series and day:

    level x trend x level shift x weekday x season x payday x promotion lift x holiday x noise

then zero when the store is closed or never sells the family; whole units are Poisson draws,
by-weight families keep three decimals. Every draw comes from the generator in a fixed order,
so the same seed gives the same frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planfact.demo.synthetic.catalog import STORE_TYPES, Family

__all__ = ["SALES_COLUMNS", "SalesDraw", "draw_sales"]

SALES_COLUMNS = ["id", "date", "store_nbr", "family", "sales", "onpromotion"]

_KINDS = ("food", "drink", "home", "personal", "leisure")
# Weekday profiles Monday..Sunday by kind: weekends are busier, drinks most of all.
_WEEKLY = {
    "food": [0.92, 0.88, 0.9, 0.88, 0.98, 1.2, 1.24],
    "drink": [0.85, 0.82, 0.85, 0.88, 1.05, 1.3, 1.25],
    "home": [0.95, 0.9, 0.92, 0.9, 0.98, 1.15, 1.2],
    "personal": [0.94, 0.9, 0.92, 0.92, 1.0, 1.16, 1.16],
    "leisure": [0.85, 0.85, 0.85, 0.9, 1.0, 1.3, 1.25],
}
# Sales factor of a national holiday, Carnival and Christmas Eve week, by kind.
_HOLIDAY = {"food": 1.15, "drink": 1.3, "home": 0.9, "personal": 0.95, "leisure": 1.1}
_CARNIVAL = {"food": 1.1, "drink": 1.4, "home": 0.85, "personal": 0.9, "leisure": 1.2}
_CHRISTMAS = {"food": 0.15, "drink": 0.2, "home": 0.05, "personal": 0.12, "leisure": 0.3}
_MOTHERS = {"food": 1.05, "drink": 1.1, "home": 1.0, "personal": 1.4, "leisure": 1.5}
_BLACK_FRIDAY = {"food": 1.0, "drink": 1.0, "home": 1.3, "personal": 1.2, "leisure": 1.5}
_COAST = {"Guayas", "Manabi", "El Oro", "Santa Elena", "Los Rios", "Esmeraldas"}


@dataclass(frozen=True)
class SalesDraw:
    """The drawn panel: ``sales`` and ``promo`` are (series, day); ``open`` is (store, day)."""

    sales: np.ndarray
    promo: np.ndarray
    open: np.ndarray
    absent: np.ndarray


def _store_open(rng: np.random.Generator, dates: pd.DatetimeIndex, n_stores: int) -> np.ndarray:
    """(store, day) open flags: New Year and Christmas closed, late openings, short closures."""
    days = len(dates)
    is_open = np.ones((n_stores, days), dtype=bool)
    fixed = ((dates.month == 1) & (dates.day == 1)) | ((dates.month == 12) & (dates.day == 25))
    is_open[:, np.asarray(fixed)] = False
    opens_late = rng.random(n_stores) < 0.15
    opening_day = rng.integers(0, max(days * 2 // 5, 1), size=n_stores)
    episodes = rng.poisson(0.8 * days / 365.25, size=n_stores)
    for store in range(n_stores):
        if opens_late[store] and store >= 3:
            is_open[store, : opening_day[store]] = False
        starts = rng.integers(0, days, size=episodes[store])
        lengths = rng.integers(1, 5, size=episodes[store])
        for start, length in zip(starts, lengths, strict=True):
            is_open[store, start : start + length] = False
    return is_open


def _kind_factors(dates: pd.DatetimeIndex, holidays: pd.DataFrame) -> np.ndarray:
    """(kind, day) multipliers of national holidays and events."""
    factors = np.ones((len(_KINDS), len(dates)))
    position = pd.Series(np.arange(len(dates)), index=dates)
    national = holidays[(holidays["locale"] == "National") & holidays["date"].isin(dates)]
    for row in national.itertuples(index=False):
        day = int(position[row.date])
        text = str(row.description)
        for k, kind in enumerate(_KINDS):
            factor = 1.0
            if row.transferred:
                factor = 1.0  # the day itself is worked; the Transfer row carries the holiday
            elif text == "Carnaval":
                factor = _CARNIVAL[kind]
            elif text.startswith("Navidad-"):
                factor = 1 + _CHRISTMAS[kind] * (5 - int(text[-1]))
            elif text == "Navidad+1":
                factor = 0.85
            elif text == "Primer dia del ano-1":
                factor = 1.5 if kind == "drink" else 1.15
            elif text.startswith("Dia de la Madre"):
                factor = _MOTHERS[kind]
            elif text in ("Black Friday", "Cyber Monday"):
                factor = _BLACK_FRIDAY[kind]
            elif row.type == "Bridge":
                factor = 1.05
            elif row.type == "Work Day":
                factor = 0.95
            elif row.type in ("Holiday", "Transfer"):
                factor = _HOLIDAY[kind]
            factors[k, day] *= factor
    return factors


def _store_factors(dates: pd.DatetimeIndex, holidays: pd.DataFrame, stores: pd.DataFrame) -> np.ndarray:
    """(store, day) multipliers of the regional and local holidays of each store's place."""
    factors = np.ones((len(stores), len(dates)))
    position = pd.Series(np.arange(len(dates)), index=dates)
    places = holidays[(holidays["locale"] != "National") & holidays["date"].isin(dates)]
    for row in places.itertuples(index=False):
        column = "state" if row.locale == "Regional" else "city"
        hit = (stores[column] == row.locale_name).to_numpy()
        factors[hit, int(position[row.date])] *= 1.12
    return factors


def _promotions(
    rng: np.random.Generator, families: list[Family], fam_of: np.ndarray, n_stores: int, days: int
) -> np.ndarray:
    """(series, day) count of items on promotion: promotion weeks plus a few one-day offers."""
    rate = np.array([f.promo_rate for f in families])[fam_of]
    items = np.array([f.promo_items for f in families])[fam_of]
    series = len(fam_of)
    store_keenness = rng.uniform(0.7, 1.3, size=n_stores)
    keen = np.repeat(store_keenness, len(families))
    week = (np.arange(days) + 3) // 7  # promotion weeks run Thursday to Wednesday
    active_week = rng.random((series, week[-1] + 1)) < (rate * keen)[:, None]
    active = active_week[:, week]
    counts = rng.poisson(np.maximum(items, 0.0)[:, None], size=(series, days)) + 1
    one_day = rng.random((series, days)) < 0.02
    promo = np.where(active, counts, np.where(one_day, 1, 0))
    promo[items <= 0, :] = 0
    return promo.astype(np.int64)


def draw_sales(
    rng: np.random.Generator,
    stores: pd.DataFrame,
    families: list[Family],
    dates: pd.DatetimeIndex,
    holidays: pd.DataFrame,
) -> SalesDraw:
    """Draw the (series, day) panel for ``stores`` x ``families`` (families sorted by name)."""
    n_stores, n_fams, days = len(stores), len(families), len(dates)
    store_of = np.repeat(np.arange(n_stores), n_fams)
    fam_of = np.tile(np.arange(n_fams), n_stores)
    series = n_stores * n_fams
    kind_of = np.array([_KINDS.index(f.kind) for f in families])[fam_of]
    years = np.arange(days) / 365.25

    store_size = np.array([STORE_TYPES[t] for t in stores["type"]]) * rng.lognormal(0, 0.25, n_stores)
    level = np.array([f.level for f in families])[fam_of] * store_size[store_of]
    level = level * rng.lognormal(0, 0.2, series)
    growth = rng.normal(0.04, 0.04, n_stores)[store_of] + rng.normal(0.0, 0.04, series)
    expected = level[:, None] * np.exp(growth[:, None] * years[None, :])

    # A competitor opens or a store is refurbished: a lasting level shift in some stores.
    shifted = rng.random(n_stores) < 0.15
    shift_day = rng.integers(days // 4, max(days * 3 // 4, days // 4 + 1), size=n_stores)
    shift_size = rng.choice([0.85, 1.15], size=n_stores)
    for store in np.flatnonzero(shifted):
        expected[store_of == store, shift_day[store] :] *= shift_size[store]

    weekly = np.array([_WEEKLY[_KINDS[k]] for k in kind_of]) * rng.lognormal(0, 0.04, (series, 7))
    weekly /= weekly.mean(axis=1, keepdims=True)
    expected *= weekly[:, dates.day_of_week.to_numpy()]

    doy = dates.day_of_year.to_numpy()
    amplitude = 0.06 * rng.uniform(0.5, 1.5, series)
    peak = 349 + rng.normal(0, 10, series)
    expected *= 1 + amplitude[:, None] * np.cos(2 * np.pi * (doy[None, :] - peak[:, None]) / 365.25)
    names = [f.name for f in families]
    if "SCHOOL AND OFFICE SUPPLIES" in names:
        # School starts in September in the highlands and in April on the coast.
        school = np.flatnonzero(fam_of == names.index("SCHOOL AND OFFICE SUPPLIES"))
        coast = stores["state"].isin(_COAST).to_numpy()[store_of[school]]
        centre = np.where(coast, 100, 245)[:, None]
        expected[school] *= 1 + 4 * np.exp(-(((doy[None, :] - centre) / 12.0) ** 2))

    # Public-sector wages are paid on the 15th and at month end: food and drink sell more.
    dom = dates.day.to_numpy()
    payday = (dom == 15) | (dom == 16) | (dom == 1) | np.asarray(dates.is_month_end)
    staple = np.isin(kind_of, [0, 1, 2])
    expected[np.ix_(staple, payday)] *= 1.07

    promo = _promotions(rng, families, fam_of, n_stores, days)
    items = np.maximum(np.array([f.promo_items for f in families])[fam_of], 1.0)
    lift = np.array([f.lift for f in families])[fam_of]
    expected *= 1 + lift[:, None] * (1 - np.exp(-promo / items[:, None]))

    expected *= _kind_factors(dates, holidays)[kind_of]
    expected *= _store_factors(dates, holidays, stores)[store_of]

    # Log-space AR(1) noise: demand shocks last a few days; small families are noisier.
    sigma = np.where(level < 50, 0.15, 0.08)
    shocks = rng.normal(0, 1, (series, days)) * sigma[:, None]
    noise = np.empty_like(shocks)
    noise[:, 0] = shocks[:, 0]
    for day in range(1, days):
        noise[:, day] = 0.4 * noise[:, day - 1] + shocks[:, day]
    expected *= np.exp(noise - sigma[:, None] ** 2 / (2 * (1 - 0.16)))

    is_open = _store_open(rng, dates, n_stores)
    absent = rng.random(series) < np.array([f.absent_share for f in families])[fam_of]
    expected *= is_open[store_of]
    expected[absent] = 0.0

    by_weight = np.array([f.by_weight for f in families])[fam_of]
    counted = rng.poisson(expected[~by_weight]).astype(float)
    sales = np.empty_like(expected)
    sales[~by_weight] = counted
    sales[by_weight] = np.round(expected[by_weight], 3)
    promo[~is_open[store_of]] = 0
    promo[absent] = 0
    return SalesDraw(sales=sales, promo=promo, open=is_open, absent=absent)
