"""The narrative at the top of the report: a few sentences computed from the report's numbers.

A pure function of the ReportData, so the HTML and Excel reports print the same sentences and
tests check them against their own computation; templates only print the list. The rules
(printed in About, see ``reports.definitions``):

1. the total variance and whether its % is inside the tolerance band;
2. at the bridge level, the three largest positive and the three largest negative
   contributors by variance, each with its share of the total variance;
3. the largest single-day miss (store-day by |variance|) with its closed, promo and holiday flags
   (a day of zero sales without any flag is called so: a closure or report nobody flagged);
4. whether the plan's bias has persisted: the same direction outside the tolerance band in at
   least ``BIAS_MONTHS`` consecutive months up to the report month (the accuracy trend; the
   report month's bias is its own like-with-like figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from forecasting import calendar
from reports.bridge import PLURALS
from reports.model import LEVEL_LABELS, MemberRow, ReportData, band

__all__ = [
    "BIAS_MONTHS",
    "TOP_CONTRIBUTORS",
    "Contributor",
    "contributors",
    "bias_streak",
    "narrative",
]

BIAS_MONTHS = 3
TOP_CONTRIBUTORS = 3


@dataclass(frozen=True)
class Contributor:
    """A member's variance and its share of the total variance (None when that is zero)."""

    label: str
    member: str
    variance: float
    share: float | None


def contributors(
    rows: list[MemberRow], total_variance: float, top: int = TOP_CONTRIBUTORS
) -> tuple[list[Contributor], list[Contributor]]:
    """The ``top`` largest positive and the ``top`` largest negative contributors (ties by label)."""
    found = [
        Contributor(
            r.name,
            r.member,
            variance,
            variance / total_variance if total_variance else None,
        )
        for r in rows
        if (variance := (r.figures.actual or 0.0) - r.figures.plan) != 0
    ]
    positive = sorted((c for c in found if c.variance > 0), key=lambda c: (-c.variance, c.label))
    negative = sorted((c for c in found if c.variance < 0), key=lambda c: (c.variance, c.label))
    return positive[:top], negative[:top]


def bias_streak(data: ReportData) -> tuple[str, list[tuple[date, float]]]:
    """The direction ('low', 'high' or '') of the plan's bias in the report month and the run of
    consecutive months, ending there, whose bias was outside the band in that direction."""
    biases = {p.month: p.bias for p in data.accuracy_trend if p.bias is not None}
    if data.summary.month.bias is not None:
        biases[data.month] = data.summary.month.bias
    direction = {"over": "low", "under": "high"}.get(band(biases.get(data.month), data.tolerance), "")
    run: list[tuple[date, float]] = []
    # fiscal periods are not months: the trend's points, in order, name each one's predecessor
    starts = sorted({*biases, data.month})
    previous: dict[date, date] = dict(zip(starts[1:], starts[:-1], strict=True))
    month = data.month
    while direction and month in biases:
        side = {"over": "low", "under": "high"}.get(band(biases[month], data.tolerance), "")
        if side != direction:
            break
        run.append((month, biases[month]))
        month = previous.get(month, date.min) if data.period else calendar.previous_month(month)
    return direction, run[::-1]


def _pct(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "–"
    text = f"{abs(value):.1%}"
    if text == "0.0%":
        return text
    return ("\u2212" if value < 0 else "+" if signed else "") + text


def _share(share: float | None) -> str:
    """'43% of the variance', or 'offsetting 12% of it' for a step against the total's direction."""
    if share is None:
        return ""
    text = f"{abs(share):.0%}" if abs(share) >= 0.01 else "<1%"
    if share < 0:
        return f" (offsetting {text} of it)"
    return f" ({text} of the variance)"


def _listing(items: list[Contributor], data: ReportData) -> str:
    return ", ".join(
        f"{c.label} {data.units.amount(c.variance, signed=True)}{_share(c.share)}" for c in items
    )


def _total(data: ReportData) -> str:
    month = data.summary.month
    pct = month.variance_pct
    where = "inside" if band(pct, data.tolerance) == "neutral" else "outside"
    scope = f" over {data.scope.covered}" if data.partial else ""
    return (
        f"The total variance{scope} is {data.units.amount(month.variance or 0.0, signed=True)} "
        f"({_pct(pct)} of plan), {where} the ±{data.tolerance:.1%} tolerance band."
    )


def _contributors(data: ReportData) -> str | None:
    level = data.bridge_level
    if not level or level not in data.levels:
        return None
    total = data.summary.month.variance or 0.0
    up, down = contributors(data.levels[level], total)
    above = _listing(up, data) or f"no {PLURALS.get(level, level)}"
    below = _listing(down, data) or f"no {PLURALS.get(level, level)}"
    return f"By {LEVEL_LABELS[level].lower()}, above plan: {above}; below plan: {below}."


def _miss(data: ReportData) -> str | None:
    if not data.misses_absolute:
        return None
    miss = data.misses_absolute[0]
    flags = ", ".join(miss.flags)
    if flags:
        why = f"flagged {flags}"
    elif miss.actual == 0:
        why = "zero sales, not flagged closed, promo or holiday (a closure or a missing report?)"
    else:
        why = "not flagged closed, promo or holiday that day"
    amount = data.units.amount
    return (
        f"The largest single-day miss was {miss.name} on {miss.day:%a %d %b %Y}: actual "
        f"{amount(miss.actual)} against a plan of {amount(miss.plan)} "
        f"({amount(miss.variance, signed=True)}, {_pct(miss.variance_pct)}); {why}."
    )


def _bias(data: ReportData) -> str:
    direction, run = bias_streak(data)
    history = len({p.month for p in data.accuracy_trend} | {data.month})
    tol = f"±{data.tolerance:.1%}"
    if len(run) >= BIAS_MONTHS:
        lo, hi = min(b for _, b in run), max(b for _, b in run)
        return (
            f"Persistent bias: the plan has been too {direction} (bias outside {tol}) for "
            f"{len(run)} consecutive months, {run[0][0]:%b %Y} to {run[-1][0]:%b %Y} "
            f"(bias {_pct(lo)} to {_pct(hi)})."
        )
    if history < BIAS_MONTHS:
        return (
            f"Too little history to judge a persistent bias: {history} month"
            f"{'s' if history != 1 else ''} of plans of record ({BIAS_MONTHS} needed)."
        )
    this = _pct(data.summary.month.bias)
    if not direction:
        return f"No persistent bias: this month's bias is {this}, inside {tol}."
    return (
        f"No persistent bias: the plan was too {direction} this month (bias {this}), "
        f"{len(run)} consecutive month{'s' if len(run) != 1 else ''} in that direction "
        f"({BIAS_MONTHS} make a persistent bias)."
    )


def narrative(data: ReportData) -> list[str]:
    """The sentences of the narrative, in reading order."""
    sentences = [_total(data), _contributors(data), _miss(data), _bias(data)]
    return [s for s in sentences if s]
