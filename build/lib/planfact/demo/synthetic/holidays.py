"""Ecuador-like holidays and events computed by calendar rules (no Kaggle file needed).

Grain of the result: one row per date, locale and description, in the layout of Favorita's
``holidays_events.csv``: ``date,type,locale,locale_name,description,transferred``.

Rules, per year:
- fixed national holidays (New Year, Labour Day, Independence days, All Souls, Christmas);
- movable feasts from Easter (Carnival Monday and Tuesday, Good Friday);
- days around Christmas and New Year marked ``Additional``;
- a national holiday on a Tuesday, Wednesday or Thursday is moved to the Friday of that week
  (the original row gets ``transferred=True`` and a ``Transfer`` row names the new day);
- Christmas or New Year on a Tuesday or Thursday makes a ``Bridge`` day to the weekend and a
  Saturday ``Work Day`` two weeks later to make it up;
- events: Mother's Day (second Sunday of May) with its eve, Black Friday and Cyber Monday;
- regional holidays (province foundation) and local ones (city foundation) for the given
  states and cities only, as the Kaggle file lists only the places that have stores.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd
from dateutil.easter import easter

__all__ = ["HOLIDAY_COLUMNS", "CITY_FOUNDATION", "STATE_FOUNDATION", "holiday_calendar"]

HOLIDAY_COLUMNS = ["date", "type", "locale", "locale_name", "description", "transferred"]

# (month, day, description, movable): movable holidays may be transferred to a Friday.
_NATIONAL_FIXED: tuple[tuple[int, int, str, bool], ...] = (
    (1, 1, "Primer dia del ano", False),
    (5, 1, "Dia del Trabajo", False),
    (5, 24, "Batalla de Pichincha", True),
    (8, 10, "Primer Grito de Independencia", True),
    (10, 9, "Independencia de Guayaquil", True),
    (11, 2, "Dia de Difuntos", False),
    (11, 3, "Independencia de Cuenca", False),
    (12, 25, "Navidad", False),
)

# City foundation or cantonization days (month, day, description).
CITY_FOUNDATION: dict[str, tuple[int, int, str]] = {
    "Quito": (12, 6, "Fundacion de Quito"),
    "Guayaquil": (7, 25, "Fundacion de Guayaquil"),
    "Cuenca": (4, 12, "Fundacion de Cuenca"),
    "Santo Domingo": (7, 3, "Fundacion de Santo Domingo"),
    "Ambato": (8, 24, "Fundacion de Ambato"),
    "Manta": (3, 2, "Fundacion de Manta"),
    "Machala": (6, 25, "Fundacion de Machala"),
    "Loja": (12, 8, "Fundacion de Loja"),
    "Riobamba": (8, 15, "Fundacion de Riobamba"),
    "Ibarra": (9, 28, "Fundacion de Ibarra"),
    "Latacunga": (6, 25, "Cantonizacion de Latacunga"),
    "Esmeraldas": (8, 5, "Fundacion de Esmeraldas"),
    "Quevedo": (10, 7, "Cantonizacion de Quevedo"),
    "Babahoyo": (10, 6, "Cantonizacion de Babahoyo"),
    "Salinas": (12, 22, "Cantonizacion de Salinas"),
    "Daule": (1, 26, "Cantonizacion de Daule"),
    "Libertad": (4, 14, "Cantonizacion de Libertad"),
    "Cayambe": (7, 23, "Cantonizacion de Cayambe"),
    "Guaranda": (6, 23, "Cantonizacion de Guaranda"),
    "Puyo": (5, 12, "Cantonizacion del Puyo"),
    "Playas": (8, 15, "Cantonizacion de Playas"),
    "El Carmen": (7, 3, "Cantonizacion de El Carmen"),
}

# Province foundation days (month, day).
STATE_FOUNDATION: dict[str, tuple[int, int]] = {
    "Cotopaxi": (4, 1),
    "Imbabura": (6, 25),
    "Santo Domingo de los Tsachilas": (11, 6),
    "Santa Elena": (11, 7),
    "Manabi": (6, 25),
    "El Oro": (4, 23),
    "Azuay": (11, 3),
    "Loja": (12, 8),
    "Chimborazo": (4, 21),
    "Tungurahua": (11, 12),
    "Guayas": (10, 9),
    "Pichincha": (5, 24),
    "Los Rios": (10, 6),
    "Esmeraldas": (11, 21),
    "Bolivar": (4, 15),
    "Pastaza": (11, 10),
}

_Row = tuple[date, str, str, str, str, bool]


def _national(year: int) -> list[_Row]:
    rows: list[_Row] = []
    for month, day, description, movable in _NATIONAL_FIXED:
        when = date(year, month, day)
        weekday = when.isoweekday()  # 1 Monday .. 7 Sunday
        if movable and weekday in (2, 3, 4):
            friday = when + timedelta(days=5 - weekday)
            rows.append((when, "Holiday", "National", "Ecuador", description, True))
            rows.append((friday, "Transfer", "National", "Ecuador", f"Traslado {description}", False))
        else:
            rows.append((when, "Holiday", "National", "Ecuador", description, False))
    sunday = easter(year)
    rows.append((sunday - timedelta(days=48), "Holiday", "National", "Ecuador", "Carnaval", False))
    rows.append((sunday - timedelta(days=47), "Holiday", "National", "Ecuador", "Carnaval", False))
    rows.append((sunday - timedelta(days=2), "Holiday", "National", "Ecuador", "Viernes Santo", False))
    for offset in (-4, -3, -2, -1, 1):
        when = date(year, 12, 25) + timedelta(days=offset)
        rows.append((when, "Additional", "National", "Ecuador", f"Navidad{offset:+d}", False))
    rows.append((date(year, 12, 31), "Additional", "National", "Ecuador", "Primer dia del ano-1", False))
    rows.extend(_bridges(year))
    return rows


def _bridges(year: int) -> list[_Row]:
    """A bridge day to the weekend and a make-up Saturday when Christmas or New Year falls mid-week."""
    rows: list[_Row] = []
    for when, name in ((date(year, 12, 25), "Navidad"), (date(year, 1, 1), "primer dia del ano")):
        weekday = when.isoweekday()
        if weekday == 2:
            bridge = when - timedelta(days=1)
        elif weekday == 4:
            bridge = when + timedelta(days=1)
        else:
            continue
        rows.append((bridge, "Bridge", "National", "Ecuador", f"Puente {name}", False))
        saturday = bridge + timedelta(days=(6 - bridge.isoweekday()) % 7 + 14)
        rows.append((saturday, "Work Day", "National", "Ecuador", f"Recupero puente {name}", False))
    return rows


def _events(year: int) -> list[_Row]:
    may_first = date(year, 5, 1)
    first_sunday = may_first + timedelta(days=(7 - may_first.isoweekday()) % 7)
    mothers_day = first_sunday + timedelta(days=7)
    november = date(year, 11, 1)
    first_thursday = november + timedelta(days=(4 - november.isoweekday()) % 7)
    black_friday = first_thursday + timedelta(days=22)
    return [
        (mothers_day - timedelta(days=1), "Additional", "National", "Ecuador", "Dia de la Madre-1", False),
        (mothers_day, "Event", "National", "Ecuador", "Dia de la Madre", False),
        (black_friday, "Event", "National", "Ecuador", "Black Friday", False),
        (black_friday + timedelta(days=3), "Event", "National", "Ecuador", "Cyber Monday", False),
    ]


def _regional(year: int, states: Iterable[str]) -> list[_Row]:
    rows: list[_Row] = []
    for state in sorted(set(states)):
        if state in STATE_FOUNDATION:
            month, day = STATE_FOUNDATION[state]
            description = f"Provincializacion de {state}"
            rows.append((date(year, month, day), "Holiday", "Regional", state, description, False))
    return rows


def _local(year: int, cities: Iterable[str]) -> list[_Row]:
    rows: list[_Row] = []
    for city in sorted(set(cities)):
        if city in CITY_FOUNDATION:
            month, day, description = CITY_FOUNDATION[city]
            when = date(year, month, day)
            rows.append((when, "Holiday", "Local", city, description, False))
            if city in ("Quito", "Guayaquil"):
                # The big cities take the eve off as well.
                eve = when - timedelta(days=1)
                rows.append((eve, "Additional", "Local", city, f"{description}-1", False))
    return rows


def holiday_calendar(
    first_year: int, last_year: int, *, states: Iterable[str] = (), cities: Iterable[str] = ()
) -> pd.DataFrame:
    """Holidays and events of ``first_year..last_year`` for the given places.

    Returns one row per (date, locale_name, description), sorted by date, in Favorita's
    ``holidays_events.csv`` layout; ``date`` is datetime64 and ``transferred`` bool.
    """
    if last_year < first_year:
        raise ValueError(f"last_year {last_year} is before first_year {first_year}")
    states, cities = list(states), list(cities)
    rows: list[_Row] = []
    for year in range(first_year, last_year + 1):
        rows += _national(year) + _events(year) + _regional(year, states) + _local(year, cities)
    frame = pd.DataFrame(rows, columns=HOLIDAY_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.drop_duplicates(["date", "locale_name", "description"])
    return frame.sort_values(["date", "locale", "locale_name", "description"], kind="stable").reset_index(
        drop=True
    )
