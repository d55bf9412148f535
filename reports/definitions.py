"""Definitions the About sheet and section print: every measure, the bridge and the narrative.

Both formats print these same texts, so what a number means cannot differ between them.
"""

from __future__ import annotations

from reports.bridge import BRIDGE_TOP
from reports.narrative import BIAS_MONTHS, TOP_CONTRIBUTORS

__all__ = ["FIGURE_HEADERS", "MEASURES", "BRIDGE_RULES", "NARRATIVE_RULES"]

# The measure columns of every figure table, in both formats (the Excel sheets and the HTML).
FIGURE_HEADERS: tuple[str, ...] = (
    "Plan",
    "Actual",
    "Variance",
    "Variance %",
    "Abs. error",
    "WAPE",
    "Bias",
    "Inside 80%",
    "Inside 95%",
)

# Every measure either format shows, with its definition (the About sheet / section).
MEASURES: tuple[tuple[str, str], ...] = (
    (
        "Plan",
        "Sum of the plan-of-record point forecasts (yhat) of the month's days, for every series "
        "in scope. The plan of record is the production run assigned to the month before it began.",
    ),
    ("Actual", "Sum of the current actual sales (latest data version) of the same series and days."),
    ("Variance", "Actual − Plan. Positive: sales above plan."),
    (
        "Variance %",
        "Variance ÷ |Plan| (positive: above plan, also when returns make a plan negative). "
        "Blank when the plan is zero.",
    ),
    ("Absolute error", "Sum over series and days of |Actual − Plan| (errors do not cancel across stores)."),
    (
        "WAPE",
        "Weighted absolute percentage error: Absolute error ÷ gross Actual. Blank when Actual is zero.",
    ),
    (
        "Bias",
        "Variance ÷ gross Actual: the share of actual sales the plan missed overall "
        "(positive: plan too low).",
    ),
    (
        "Returns",
        "Negative series-day actuals (net sales with returns) are kept as they are: they lower "
        "Actual and Variance. The gross Actual (sum of |series-day actual| = Actual + 2 × returns) "
        "is the denominator of WAPE and Bias; it equals Actual when there are no returns.",
    ),
    (
        "Days with actuals",
        "A store reports a day or it does not: a series-day is not yet reported when no series of "
        "its store has an actual that day (a series without a row on a day its store reported "
        "sold nothing). When some series-days are not reported yet (a late file, a store's last "
        "days), every figure of the month (summary, breakdowns, daily variances, bridge, "
        "narrative, year to date, accuracy trend) compares the actuals with the plan of the "
        "reported series-days only; the plan of the others is shown separately as 'Plan still "
        "to come'. Without --allow-partial such a month is not reported at all.",
    ),
    ("MAPE", "Mean over series-days with non-zero actuals of |Actual − Plan| ÷ Actual."),
    (
        "Accuracy trend",
        "WAPE, Bias, MAPE and coverage of each month's plan of record, defined exactly as in the "
        "Summary (series-day errors, gross actual, like with like): the report month's point is "
        "the Summary's figure.",
    ),
    (
        "Inside 80% / 95%",
        "Share of series-days whose actual lies inside the plan's 80% / 95% prediction "
        "interval. A well-calibrated plan has about 80% / 95%.",
    ),
    ("Low / High 80%, 95%", "Interval bounds summed over the series of an aggregate (a conservative band)."),
    (
        "Year to date",
        "Plan and actual summed from January to the report month over the months that have a plan "
        "of record and actuals, like with like (the plan of unreported series-days left out).",
    ),
    ("Previous month", "The same measures for the month before, against its own plan of record."),
    ("Promo share", "Share of series that ran a promotion on the day."),
    ("Closed share", "Share of series that were closed on the day."),
    ("Holiday", "The day is a public holiday in the calendar."),
    ("Tolerance band", "Variance % within ±tolerance is neutral; above is over plan, below is under plan."),
    (
        "Labels",
        "Stores, product groups and series are named from the reference data (the source's own "
        "names when it has them); their ids stay in a column of their own for lookups.",
    ),
    ("Largest misses (absolute)", "Store-days with the largest |Variance| in the month."),
    (
        "Largest misses (relative)",
        "Store-days with the largest |Variance %| among those whose plan is at least "
        "half the median store-day plan (so tiny plans do not dominate).",
    ),
)

BRIDGE_RULES: tuple[tuple[str, str], ...] = (
    (
        "Variance bridge",
        "A waterfall from the plan total to the actual total. Each step is the variance "
        "(Actual − Plan) of one member of the bridge level (store type, state, product group …, "
        "chosen with --bridge-level); the "
        f"{BRIDGE_TOP} members with the largest |Variance| get a step of their own, the others are "
        "summed into one 'Other' step. Steps run from the largest |Variance| down, up or down "
        "alike (the biggest driver first), 'Other' last. The members partition the month's "
        "series, so the steps add up exactly to the total variance: in Excel the steps are "
        "formulas and a check cell shows the difference to the Summary's variance (zero).",
    ),
    (
        "Bridge chart",
        "Green steps raise the running total, red steps lower it; grey bars are the plan and actual "
        "totals. The value axis does not start at zero, so the steps are visible.",
    ),
)

NARRATIVE_RULES: tuple[tuple[str, str], ...] = (
    (
        "Narrative",
        "Computed from the report's figures, never written by hand: (1) the total variance and "
        "whether its Variance % is inside the tolerance band; (2) at the bridge level, the "
        f"{TOP_CONTRIBUTORS} largest positive and the {TOP_CONTRIBUTORS} largest negative "
        "contributors with their share of the total variance (shares exceed 100% when "
        "contributors offset each other); (3) the largest single-day miss (the store-day with the "
        "largest |Variance|) with its closed, promo and holiday flags; (4) persistent bias: the "
        "bias (see Bias) outside the tolerance band in the same direction for at least "
        f"{BIAS_MONTHS} consecutive months up to the report month, from the accuracy trend.",
    ),
)
