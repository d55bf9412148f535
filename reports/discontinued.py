"""The series a plan left out as discontinued, in words (the same sentence in HTML and Excel).

A monthly run does not plan a series that had no actual in the last N days before the plan
was made (``forecast.run_excluded_series``). The report names them, with their last actual,
so a reader knows why they have no plan; one that reported sales in the month anyway counts
against a plan of 0 in every figure, and the sentence says how much that was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["DiscontinuedSeries", "Discontinued", "SHOWN_SERIES"]

SHOWN_SERIES = 12  # series named before "and N more"


@dataclass(frozen=True)
class DiscontinuedSeries:
    """One series the plan of record left out: its id, reader's name, last actual before the
    plan and its actual of the report month (None: it reported nothing this month)."""

    series: str
    label: str
    last_actual: date | None
    actual: float | None = None


@dataclass(frozen=True)
class Discontinued:
    """The series the plan left out as discontinued, and the run's setting (days without actuals)."""

    days: int | None = None
    series: tuple[DiscontinuedSeries, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.series)

    @property
    def returned(self) -> list[DiscontinuedSeries]:
        """Those that reported actuals in the month anyway (counted against a plan of 0)."""
        return [s for s in self.series if s.actual is not None]

    def note(self, shown: int = SHOWN_SERIES) -> str:
        """'Not planned: 2 discontinued series (no actuals in the 28 days before the plan was
        made): Store 1 · BOOKS (last actual 2 May 2015), ...'; '' when there are none."""
        if not self.series:
            return ""
        count = len(self.series)
        within = f"in the {self.days} days " if self.days else ""
        named = ", ".join(
            f"{s.label} (last actual {s.last_actual:%d %b %Y})" if s.last_actual else s.label
            for s in self.series[:shown]
        )
        more = f" and {count - shown:,} more" if count > shown else ""
        text = (
            f"Not planned: {count:,} discontinued series (no actuals {within}before the plan was made): "
            f"{named}{more}."
        )
        back = self.returned
        if back:
            total = sum(s.actual or 0.0 for s in back)
            text += (
                f" {len(back):,} of them reported sales this month anyway ({total:,.2f}), counted "
                "against a plan of 0."
            )
        else:
            text += " None of them reported sales this month."
        return text
