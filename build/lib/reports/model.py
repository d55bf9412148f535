"""The typed content of one plan-vs-actual report, independent of the output format.

Everything a renderer shows is computed here or in SQL; renderers only lay it out.
Amounts are floats in the sales currency (actuals are numeric(18,4) in the database and
sum exactly there; a float carries them to the cent). Ratios are fractions (0.02 = 2 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from forecasting import calendar

__all__ = [
    "LEVEL_ORDER",
    "LEVEL_LABELS",
    "STORE_LEVELS",
    "MEASURES",
    "Figures",
    "MemberRow",
    "DailyPoint",
    "Miss",
    "AccuracyPoint",
    "Lineage",
    "Summary",
    "ReportData",
    "band",
    "ratio",
    "month_label",
]

# Aggregation levels of the mart, coarse to fine; labels are what finance reads.
LEVEL_ORDER: tuple[str, ...] = (
    "total",
    "store_type",
    "assortment",
    "state",
    "city",
    "group",
    "store",
    "series",
)
LEVEL_LABELS: dict[str, str] = {
    "total": "Total",
    "store_type": "Store type",
    "assortment": "Assortment",
    "state": "State",
    "city": "City",
    "group": "Product group",
    "store": "Store",
    "series": "Series",
}
# Levels that are attributes of a store: they partition the stores, so they drill down to stores.
STORE_LEVELS: tuple[str, ...] = ("store_type", "assortment", "state", "city")

# Every measure either format shows, with its definition (the About sheet / section).
MEASURES: tuple[tuple[str, str], ...] = (
    (
        "Plan",
        "Sum of the plan-of-record point forecasts (yhat) of the month's days, for every series "
        "in scope. The plan of record is the production run assigned to the month before it began.",
    ),
    ("Actual", "Sum of the current actual sales (latest data version) of the same series and days."),
    ("Variance", "Actual − Plan. Positive: sales above plan."),
    ("Variance %", "Variance ÷ Plan. Blank when the plan is zero."),
    ("Absolute error", "Sum over series and days of |Actual − Plan| (errors do not cancel across stores)."),
    ("WAPE", "Weighted absolute percentage error: Absolute error ÷ Actual. Blank when Actual is zero."),
    (
        "Bias",
        "Variance ÷ Actual: the share of actual sales the plan missed overall (positive: plan too low).",
    ),
    ("MAPE", "Mean over series-days with non-zero actuals of |Actual − Plan| ÷ Actual."),
    (
        "Inside 80% / 95%",
        "Share of series-days whose actual lies inside the plan's 80% / 95% prediction "
        "interval. A well-calibrated plan has about 80% / 95%.",
    ),
    ("Low / High 80%, 95%", "Interval bounds summed over the series of an aggregate (a conservative band)."),
    (
        "Year to date",
        "Plan and actual summed from January to the report month over the months that have a plan of record.",
    ),
    ("Previous month", "The same measures for the month before, against its own plan of record."),
    ("Promo share", "Share of series that ran a promotion on the day."),
    ("Closed share", "Share of series that were closed on the day."),
    ("Holiday", "The day is a public holiday in the calendar."),
    ("Tolerance band", "Variance % within ±tolerance is neutral; above is over plan, below is under plan."),
    ("Largest misses (absolute)", "Store-days with the largest |Variance| in the month."),
    (
        "Largest misses (relative)",
        "Store-days with the largest |Variance %| among those whose plan is at least "
        "half the median store-day plan (so tiny plans do not dominate).",
    ),
)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    if isinstance(numerator, float) and math.isnan(numerator):
        return None
    return numerator / denominator


def band(variance_pct: float | None, tolerance: float) -> str:
    """'over', 'under' or 'neutral' (inside ±tolerance); 'none' when undefined."""
    if variance_pct is None:
        return "none"
    if variance_pct > tolerance:
        return "over"
    if variance_pct < -tolerance:
        return "under"
    return "neutral"


def month_label(month: date) -> str:
    """'July 2015'."""
    return month.strftime("%B %Y")


@dataclass(frozen=True)
class Figures:
    """Plan vs actual of one scope (a month at a level member, or year to date)."""

    plan: float
    actual: float | None
    abs_error: float | None = None
    coverage_80: float | None = None
    coverage_95: float | None = None
    days: int | None = None

    @property
    def variance(self) -> float | None:
        return None if self.actual is None else self.actual - self.plan

    @property
    def variance_pct(self) -> float | None:
        return ratio(self.variance, self.plan)

    @property
    def wape(self) -> float | None:
        return ratio(self.abs_error, self.actual)

    @property
    def bias(self) -> float | None:
        return ratio(self.variance, self.actual)


@dataclass(frozen=True)
class MemberRow:
    """One member of a level for the month; ``parent`` is its drill-level member (stores only)."""

    level: str
    member: str
    figures: Figures
    parent: str | None = None


@dataclass(frozen=True)
class DailyPoint:
    """One day of one level member: plan, actual, summed interval bounds and the day's flags."""

    day: date
    plan: float
    actual: float | None
    lo_80: float | None = None
    hi_80: float | None = None
    lo_95: float | None = None
    hi_95: float | None = None
    promo_share: float | None = None
    closed_share: float | None = None
    holiday: bool = False

    @property
    def variance(self) -> float | None:
        return None if self.actual is None else self.actual - self.plan

    @property
    def variance_pct(self) -> float | None:
        return ratio(self.variance, self.plan)


@dataclass(frozen=True)
class Miss:
    """A store-day (or series-day) with a large miss, and the flags that may explain it."""

    level: str
    member: str
    day: date
    plan: float
    actual: float
    promo_share: float | None
    closed_share: float | None
    holiday: bool

    @property
    def variance(self) -> float:
        return self.actual - self.plan

    @property
    def variance_pct(self) -> float | None:
        return ratio(self.variance, self.plan)

    @property
    def flags(self) -> list[str]:
        """Human-readable reasons a reader may look at first."""
        found = []
        if self.closed_share:
            found.append("closed" if self.closed_share >= 1 else f"closed {self.closed_share:.0%}")
        if self.promo_share:
            found.append("promo" if self.promo_share >= 1 else f"promo {self.promo_share:.0%}")
        if self.holiday:
            found.append("holiday")
        return found


@dataclass(frozen=True)
class AccuracyPoint:
    """Accuracy of one past month's plan of record at the total level."""

    month: date
    run_id: int | None
    wape: float | None
    bias: float | None
    mape: float | None
    coverage_80: float | None
    coverage_95: float | None


@dataclass(frozen=True)
class Lineage:
    """Where the report's numbers come from."""

    plan_run_id: int
    plan_kind: str
    plan_made_at: datetime | None
    plan_data_version: int | None
    actuals_data_version: int
    model_version: str | None
    code_version: str | None
    generated_at: datetime
    generator: str
    source_views: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    """Headline figures: the month, the month before (None if it had no plan), year to date."""

    month: Figures
    previous: Figures | None
    year_to_date: Figures


@dataclass
class ReportData:
    """Everything one monthly report shows. Lists are in display order."""

    month: date
    tolerance: float
    lineage: Lineage
    summary: Summary
    levels: dict[str, list[MemberRow]]  # breakdown level -> members, largest plan first
    daily_total: list[DailyPoint]
    chart_level: str | None = None
    daily_by_member: dict[str, list[DailyPoint]] = field(default_factory=dict)
    drill_level: str | None = None
    drill: dict[str, list[MemberRow]] = field(default_factory=dict)  # drill member -> its stores
    misses_absolute: list[Miss] = field(default_factory=list)
    misses_relative: list[Miss] = field(default_factory=list)
    accuracy_trend: list[AccuracyPoint] = field(default_factory=list)
    missing_days: list[date] = field(default_factory=list)

    @property
    def previous_month(self) -> date:
        return calendar.previous_month(self.month)

    @property
    def title(self) -> str:
        return f"Plan vs actual — {month_label(self.month)}"

    @property
    def headline(self) -> str:
        """One sentence a reader takes away."""
        figures = self.summary.month
        pct = figures.variance_pct
        if pct is None or figures.actual is None:
            return "No variance can be computed: the plan is zero."
        position = {"over": "above", "under": "below", "neutral": "within"}[band(pct, self.tolerance)]
        direction = "above" if pct >= 0 else "below"
        inside = "inside" if position == "within" else "outside"
        return (
            f"Actual sales of {figures.actual:,.0f} were {abs(pct):.1%} {direction} the plan of "
            f"{figures.plan:,.0f} ({inside} the ±{self.tolerance:.1%} tolerance band)."
        )

    def flat_levels(self) -> list[str]:
        """Breakdown levels shown as flat tables (the drill-down shows the stores)."""
        return [level for level in self.levels if not (level == "store" and self.drill)]
