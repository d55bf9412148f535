"""The typed content of one plan-vs-actual report, independent of the output format.

Everything a renderer shows is computed here or in SQL; renderers only lay it out.
Amounts are floats in the sales currency (actuals are numeric(18,4) in the database and
sum exactly there; a float carries them to the cent). Ratios are fractions (0.02 = 2 %).
Every member carries a label (from ``mart.member_label``) beside its id: renderers show the
label and keep the id as a column for lookups, never as the only name.

Returns: actual sales may be negative (net sales with returns). Variance % divides by |plan|,
so its sign always says above (+) or below (−) plan; WAPE and bias divide by the gross actual
(sum of |series-day actual| = actual + 2 × returns), so they stay meaningful when returns
bring the net actual near or below zero.

Partial months: when some series-days have no actuals yet (a store reports a day or it does
not, see ``reports.unreported``), the figures of the month (summary, levels, daily variances,
bridge, narrative) compare like with like: they leave out the plan of the unreported
series-days, which is ``ReportData.plan_to_come``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from forecasting import calendar
from reports.discontinued import Discontinued
from reports.period import FiscalPeriod
from reports.unreported import Scope, Unreported

__all__ = [
    "LEVEL_ORDER",
    "LEVEL_LABELS",
    "ID_HEADERS",
    "Units",
    "STORE_LEVELS",
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
# Levels whose members are ids a reader cannot decode: tables show the label and this id column.
ID_HEADERS: dict[str, str] = {"group": "Group id", "store": "Store id", "series": "Series id"}
# Levels that are attributes of a store: they partition the stores, so they drill down to stores.
STORE_LEVELS: tuple[str, ...] = ("store_type", "assortment", "state", "city")


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / |denominator|, or None when either is missing or the denominator is zero.

    Dividing by the magnitude keeps the numerator's sign: a variance above a negative plan
    (returns) is still a positive percentage.
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    if isinstance(numerator, float) and math.isnan(numerator):
        return None
    return numerator / abs(denominator)


@dataclass(frozen=True)
class Units:
    """How amounts are labelled and scaled: a currency label and units or thousands.

    Cells keep full precision; only the display is scaled (Excel: a number format ending in
    ``,``), so formulas still add up to the cent.
    """

    currency: str = ""
    thousands: bool = False

    @property
    def scale(self) -> int:
        return 1000 if self.thousands else 1

    @property
    def label(self) -> str:
        """'EUR', 'EUR thousands'; without a currency 'source units' / 'thousands'."""
        if self.currency:
            return f"{self.currency} thousands" if self.thousands else self.currency
        return "thousands (source units)" if self.thousands else "source units"

    @property
    def caption(self) -> str:
        """The unit line every table carries."""
        return f"Amounts in {self.label}; percentages of plan or of actual as defined in About."

    def amount(self, value: float, *, signed: bool = False) -> str:
        """An amount for running text: 'EUR 1,234,567', 'EUR −1,234.6 thousand', '+512'."""
        scaled = abs(value) / self.scale
        number = f"{scaled:,.1f} thousand" if self.thousands else f"{scaled:,.0f}"
        sign = "\u2212" if value < 0 and scaled >= (0.05 if self.thousands else 0.5) else ""
        if signed and not sign and scaled >= (0.05 if self.thousands else 0.5):
            sign = "+"
        return f"{self.currency + ' ' if self.currency else ''}{sign}{number}"


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
    returns: float = 0.0  # sum of |negative series-day actuals| (0 without returns)

    @property
    def variance(self) -> float | None:
        return None if self.actual is None else self.actual - self.plan

    @property
    def variance_pct(self) -> float | None:
        return ratio(self.variance, self.plan)

    @property
    def gross_actual(self) -> float | None:
        """Sum of |series-day actual|: the actual plus twice the returns it nets out."""
        return None if self.actual is None else self.actual + 2 * self.returns

    @property
    def wape(self) -> float | None:
        return ratio(self.abs_error, self.gross_actual)

    @property
    def bias(self) -> float | None:
        return ratio(self.variance, self.gross_actual)


@dataclass(frozen=True)
class MemberRow:
    """One member of a level for the month; ``parent`` is its drill-level member (stores only).

    ``member`` is the id (what lookups use); ``label`` is what a reader sees.
    """

    level: str
    member: str
    figures: Figures
    parent: str | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.member


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
    plan_to_come: float = 0.0  # plan of the day's unreported series-days (all of it on a missing day)

    @property
    def plan_compared(self) -> float:
        """The plan of the series-days with actuals: what the actual is compared with."""
        return self.plan - self.plan_to_come

    @property
    def plan_shown(self) -> float:
        """The plan a chart draws: like with like on a day with actuals, else the day's whole plan."""
        return self.plan if self.actual is None else self.plan_compared

    @property
    def variance(self) -> float | None:
        return None if self.actual is None else self.actual - self.plan_compared

    @property
    def variance_pct(self) -> float | None:
        return ratio(self.variance, self.plan_compared)


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
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.member

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
    missing_days: list[date] = field(default_factory=list)  # days no store reported
    plan_to_come: float = 0.0  # plan of the unreported series-days (total); the figures exclude it
    unreported: list[Unreported] = field(default_factory=list)  # stores with unreported days
    store_days: int = 0  # store-days of the month (0: one per store and day, from the daily total)
    units: Units = field(default_factory=Units)
    bridge_level: str | None = None
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (level, member) -> label
    discontinued: Discontinued = field(default_factory=Discontinued)  # series the plan left out
    period: FiscalPeriod | None = None  # the names of a fiscal period; None on calendar months

    def id_header(self, level: str) -> str | None:
        """The id column's header of a level's table, or None when its members need none
        (store attributes, or product groups whose id is their name)."""
        header = ID_HEADERS.get(level)
        if header and any(row.name != row.member for row in self.levels.get(level, [])):
            return header
        return None

    def label(self, level: str, member: str) -> str:
        """The reader's name of a level member (the id only if the mart had no label for it)."""
        return self.labels.get((level, member), member)

    @property
    def days_with_actuals(self) -> int:
        return len(self.daily_total) - len(self.missing_days)

    @property
    def scope(self) -> Scope:
        """What the month's figures cover (every day, or like with like in a partial month)."""
        return Scope(
            days=len(self.daily_total),
            missing_days=tuple(self.missing_days),
            stores=tuple(self.unreported),
            store_days=self.store_days,
            plan_to_come=self.plan_to_come,
        )

    @property
    def partial(self) -> bool:
        return bool(self.missing_days or self.unreported)

    @property
    def previous_month(self) -> date:
        return self.period.previous_start if self.period else calendar.previous_month(self.month)

    @property
    def title(self) -> str:
        return f"Plan vs actual — {self.period.header if self.period else month_label(self.month)}"

    @property
    def headline(self) -> str:
        """One sentence a reader takes away (like with like: only the days with actuals)."""
        figures = self.summary.month
        pct = figures.variance_pct
        if pct is None or figures.actual is None:
            return "No variance can be computed: the plan is zero."
        inside = "inside" if band(pct, self.tolerance) == "neutral" else "outside"
        direction = "above" if pct >= 0 else "below"
        amount = self.units.amount
        sentence = (
            f"Actual sales of {amount(figures.actual)} were {abs(pct):.1%} {direction} the plan of "
            f"{amount(figures.plan)} ({inside} the ±{self.tolerance:.1%} tolerance band)."
        )
        if not self.partial:
            return sentence
        scope = self.scope
        where = "" if scope.whole_days_only else f" (not yet reported: {scope.where()})"
        return (
            f"Over {scope.covered}, {sentence[0].lower()}{sentence[1:-1]}; the plan of the other "
            f"{scope.rest}{where}, {amount(self.plan_to_come)}, is still to come."
        )

    def flat_levels(self) -> list[str]:
        """Breakdown levels shown as flat tables (the drill-down shows the stores)."""
        return [level for level in self.levels if not (level == "store" and self.drill)]
