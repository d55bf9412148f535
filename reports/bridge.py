"""The variance bridge (waterfall): plan total → actual total by the members that moved it.

A pure function of the member rows of one level. The largest contributors by |variance|
get a step each, the rest are summed into one "other" step, so the steps add up exactly
to the total variance (actual − plan of the level's members, which partition the scope).
Steps run from the largest |variance| down, whatever their sign: finance reads a bridge to
find what moved the month, so the biggest driver comes first even in a month below plan
(signed order would put it last); "other" stays last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reports.model import LEVEL_LABELS, MemberRow

__all__ = ["BRIDGE_TOP", "BRIDGE_LEVELS", "PLURALS", "BridgeStep", "Bridge", "build_bridge", "axis_floor"]

BRIDGE_TOP = 8  # contributors shown by name; the rest are "other"
# Levels a bridge can be drawn at (each partitions every series of the month).
BRIDGE_LEVELS: tuple[str, ...] = ("store_type", "assortment", "state", "city", "group", "store")
PLURALS: dict[str, str] = {
    "store_type": "store types",
    "assortment": "assortments",
    "state": "states",
    "city": "cities",
    "group": "product groups",
    "store": "stores",
    "series": "series",
}


@dataclass(frozen=True)
class BridgeStep:
    """One step of the bridge: a member (or the rest of them) with its plan and actual."""

    label: str
    members: tuple[str, ...]  # the ids this step sums (one for a named contributor)
    plan: float
    actual: float

    @property
    def variance(self) -> float:
        return self.actual - self.plan

    @property
    def is_other(self) -> bool:
        return len(self.members) != 1


@dataclass(frozen=True)
class Bridge:
    """Plan → steps → actual. ``steps`` are the named contributors, the largest |variance|
    first (the biggest driver leads, whichever its direction), then "other" when members were
    left out; their variances sum to ``actual − plan``."""

    level: str
    plan: float
    actual: float
    steps: tuple[BridgeStep, ...]

    @property
    def variance(self) -> float:
        return self.actual - self.plan

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    def running(self) -> list[tuple[float, float]]:
        """(start, end) of every step on the way from plan to actual."""
        out, level = [], self.plan
        for step in self.steps:
            out.append((level, level + step.variance))
            level += step.variance
        return out


def build_bridge(rows: list[MemberRow], level: str, *, top: int = BRIDGE_TOP) -> Bridge:
    """The bridge of ``rows`` (all members of ``level``; a missing actual counts as zero)."""
    if top < 1:
        raise ValueError(f"bad bridge size {top}: at least one contributor")

    def step(row: MemberRow) -> BridgeStep:
        return BridgeStep(row.name, (row.member,), row.figures.plan, row.figures.actual or 0.0)

    steps = [step(row) for row in rows]
    ranked = sorted(steps, key=lambda s: (-abs(s.variance), s.label))
    # A single left-over member is named rather than hidden as "other (1)".
    named = ranked if len(ranked) <= top + 1 else ranked[:top]
    rest = ranked[len(named) :]
    shown = list(named)  # already the largest |variance| first: the reader's first question
    if rest:
        shown.append(
            BridgeStep(
                f"Other {len(rest)} {PLURALS.get(level, level)}",
                tuple(s.members[0] for s in rest),
                sum(s.plan for s in rest),
                sum(s.actual for s in rest),
            )
        )
    return Bridge(
        level=level,
        plan=sum(s.plan for s in steps),
        actual=sum(s.actual for s in steps),
        steps=tuple(shown),
    )


def axis_floor(bridge: Bridge) -> float:
    """A round value-axis minimum below the lowest running total, so the steps are visible."""
    levels = [bridge.plan, bridge.actual, *(end for _, end in bridge.running())]
    low, high = min(levels), max(levels)
    span = max(high - low, abs(high) * 0.01, 1.0)
    floor = low - span * 0.5
    if low >= 0 and floor <= 0:
        return 0.0  # never below zero when every level is positive
    step = 10 ** math.floor(math.log10(span))
    return float(math.floor(floor / step) * step)
