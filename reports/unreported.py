"""A partial month in words: which stores and days have no actuals yet, and what the figures cover.

A store reports a day or it does not: a series-day is *unreported* when no series of its store
has an actual that day; a *missing day* is one that no store reported. The figures of a partial
month compare like with like (the plan of the unreported series-days is taken out of them and
shown as still to come); ``Scope`` says so in the same words in every table, sheet and sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Unreported", "Scope", "day_ranges", "days_text", "SHOWN_STORES", "DAILY_PARTIAL"]

SHOWN_STORES = 3  # stores named in running text before "and N more stores"
# The unit line of a daily table or chart sheet of a partial month: which plan it shows.
DAILY_PARTIAL = " Plan: of the reported series-days on days with actuals, whole on days without."


@dataclass(frozen=True)
class Unreported:
    """A store with days of the month it has not reported yet, and the plan of those days."""

    store: str
    label: str
    days: tuple[date, ...]
    series_days: int
    plan: float


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def days_text(days: Iterable[date]) -> str:
    """'21–31 Jul', '5 Jul', '3, 5, 21–31 Jul' (days of one month)."""
    runs = day_ranges(days)
    if not runs:
        return ""
    parts = [f"{a.day}" if a == b else f"{a.day}\u2013{b.day}" for a, b in runs]
    return f"{', '.join(parts)} {runs[-1][1]:%b}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Scope:
    """What the figures of a month cover: every day, or like with like in a partial month."""

    days: int  # days of the month
    missing_days: tuple[date, ...]  # days no store reported
    stores: tuple[Unreported, ...]  # stores with unreported days (missing days included)
    store_days: int  # store-days of the month
    plan_to_come: float

    @property
    def partial(self) -> bool:
        return bool(self.missing_days or self.stores)

    @property
    def gaps(self) -> list[tuple[Unreported, list[date]]]:
        """Stores with unreported days besides the missing days, with those days."""
        found = [(s, [d for d in s.days if d not in self.missing_days]) for s in self.stores]
        return [(s, days) for s, days in found if days]

    @property
    def whole_days_only(self) -> bool:
        """Only whole days are missing (the common case: the month's last files are still to come)."""
        return not self.gaps

    @property
    def unreported_store_days(self) -> int:
        if self.stores:
            return sum(len(s.days) for s in self.stores)
        return len(self.missing_days) * (self.store_days // self.days if self.days else 0)

    @property
    def counts(self) -> tuple[int, int, str]:
        """(reported, of, unit): (26, 31, 'day') or (90, 93, 'store-day')."""
        if self.whole_days_only:
            return self.days - len(self.missing_days), self.days, "day"
        return self.store_days - self.unreported_store_days, self.store_days, "store-day"

    @property
    def label(self) -> str:
        """'Days with actuals' or 'Store-days with actuals'."""
        return f"{self.counts[2].capitalize()}s with actuals"

    @property
    def fraction(self) -> str:
        """'26 of 31'."""
        reported, total, _ = self.counts
        return f"{reported:,} of {total:,}"

    @property
    def covered_short(self) -> str:
        """'26 days with actuals' or '90 store-days with actuals' (a column header's scope)."""
        reported, _, unit = self.counts
        return f"{reported:,} {unit}s with actuals"

    @property
    def covered(self) -> str:
        """'the 26 of 31 days with actuals' or 'the 90 of 93 store-days with actuals'."""
        return f"the {self.fraction} {self.counts[2]}s with actuals"

    @property
    def rest(self) -> str:
        """'5 days' or '3 store-days': what is still to come."""
        if self.whole_days_only:
            return _plural(len(self.missing_days), "day")
        return _plural(self.unreported_store_days, "store-day")

    def where(self, shown: int = SHOWN_STORES) -> str:
        """Which days and stores have no actuals yet: 'all stores 27–31 Aug; Store 3 · Quito 21–26 Aug'."""
        parts = [f"all stores {days_text(self.missing_days)}"] if self.missing_days else []
        gaps = self.gaps
        parts += [f"{s.label} {days_text(days)}" for s, days in gaps[:shown]]
        if len(gaps) > shown:
            parts.append(f"and {_plural(len(gaps) - shown, 'more store')}")
        return "; ".join(parts)

    @property
    def to_come_label(self) -> str:
        """'Plan still to come (5 days)'."""
        return f"Plan still to come ({self.rest})"
