"""File layouts: how the columns of a source file map to the logical columns of a load.

Logical columns (the staging table's names): ``store_id``, ``group_id``, ``sale_date``,
``sales``, ``customers``, ``promo``, ``is_open``, ``state_holiday``, ``school_holiday``,
``day_of_week``. Known layouts are recognised from the header; anything else is described by
a small TOML mapping file (``planfact.actuals.mapping``). Besides its columns a layout
declares the feed's properties: its frequency (daily today), whether sales may be negative
(net of returns) and how its holiday flag reads (a boolean or a set of codes).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from planfact.errors import InputError, UsageError

__all__ = [
    "Kind",
    "Layout",
    "LOGICAL_COLUMNS",
    "KNOWN_LAYOUTS",
    "MAX_IGNORED",
    "HolidayFlag",
    "SALES_COLUMNS",
    "detect_layout",
    "named_layout",
    "check_header",
]

Kind = Literal["actuals", "plan"]

LOGICAL_COLUMNS = (
    "store_id",
    "group_id",
    "sale_date",
    "sales",
    "customers",
    "promo",
    "is_open",
    "state_holiday",
    "school_holiday",
    "day_of_week",
)
# Value columns that only actuals have; a plan file (known future flags) has none of them.
SALES_COLUMNS = ("sales", "customers")
# Staging has this many spare text columns for file columns that are read but not loaded.
MAX_IGNORED = 4

@dataclass(frozen=True)
class HolidayFlag:
    """How the ``state_holiday`` column reads: a boolean (``codes`` None) or one of ``codes``.

    Stored as text: ``'0'`` for a normal day (false, or the ``none`` code), ``'1'`` for a true
    boolean, else the code itself, so the mart's ``state_holiday <> '0'`` means "a holiday".
    """

    codes: tuple[str, ...] | None = None
    none: str = "0"

    def describe(self) -> str:
        if self.codes is None:
            return "boolean: 0/1, true/false, t/f, yes/no, on/off in any case"
        return f"one of {', '.join(self.codes)} ({self.none} = no holiday)"


ROSSMANN_HOLIDAYS = HolidayFlag(codes=("0", "a", "b", "c"))


@dataclass(frozen=True)
class Layout:
    """One file layout: header name -> logical column, plus columns read but not loaded.

    ``optional`` file columns may be absent (e.g. the ``Id`` of Kaggle's test.csv).
    ``allow_negative``: sales are net of returns, negative values are kept.
    """

    name: str
    kind: Kind
    columns: dict[str, str]
    ignored: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    holiday: HolidayFlag = HolidayFlag()
    allow_negative: bool = False
    frequency: str = "daily"
    source: str = field(default="built-in", compare=False)
    # Header names that mark a file of the other kind (a plan layout: the sales columns).
    refused: tuple[str, ...] = ()

    @property
    def expected(self) -> set[str]:
        """Every header name this layout knows (required and optional)."""
        return set(self.columns) | set(self.ignored)

    @property
    def required(self) -> set[str]:
        return self.expected - set(self.optional)

    def file_column(self, logical: str) -> str:
        """The header name of a logical column (for error messages)."""
        for name, target in self.columns.items():
            if target == logical:
                return name
        return logical

    def as_plan(self) -> Layout:
        """The same layout for a plan file: no sales columns (a header with them is refused)."""
        if self.kind == "plan":
            return self
        sales = tuple(name for name, target in self.columns.items() if target in SALES_COLUMNS)
        columns = {k: v for k, v in self.columns.items() if v not in SALES_COLUMNS}
        return replace(self, kind="plan", columns=columns, refused=self.refused + sales)


KNOWN_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="rossmann",
        kind="actuals",
        columns={
            "Store": "store_id",
            "DayOfWeek": "day_of_week",
            "Date": "sale_date",
            "Sales": "sales",
            "Customers": "customers",
            "Open": "is_open",
            "Promo": "promo",
            "StateHoliday": "state_holiday",
            "SchoolHoliday": "school_holiday",
        },
        holiday=ROSSMANN_HOLIDAYS,
    ),
    Layout(
        name="rossmann-plan",
        kind="plan",
        columns={
            "Store": "store_id",
            "DayOfWeek": "day_of_week",
            "Date": "sale_date",
            "Open": "is_open",
            "Promo": "promo",
            "StateHoliday": "state_holiday",
            "SchoolHoliday": "school_holiday",
        },
        ignored=("Id",),
        optional=("Id",),
        holiday=ROSSMANN_HOLIDAYS,
    ),
    Layout(
        name="favorita",
        kind="actuals",
        columns={
            "date": "sale_date",
            "store_nbr": "store_id",
            "family": "group_id",
            "sales": "sales",
            "onpromotion": "promo",
        },
        ignored=("id",),
        optional=("id",),
    ),
    Layout(
        name="favorita-plan",
        kind="plan",
        columns={"date": "sale_date", "store_nbr": "store_id", "family": "group_id", "onpromotion": "promo"},
        ignored=("id",),
        optional=("id",),
    ),
)


def named_layout(name: str, kind: Kind) -> Layout:
    """A built-in layout by name; ``rossmann`` for a plan load means ``rossmann-plan``."""
    for layout in KNOWN_LAYOUTS:
        if layout.name == name:
            return layout if layout.kind == kind else layout.as_plan()
    if name == "generic":
        raise UsageError("--layout generic needs --mapping FILE (a TOML mapping of the columns)")
    names = ", ".join(sorted({lay.name for lay in KNOWN_LAYOUTS} | {"generic"}))
    raise UsageError(f"unknown --layout {name!r}; choose one of {names}")


def check_header(path: Path, header: list[str], layout: Layout) -> None:
    """Refuse a header with missing, extra or repeated columns (line 1 of the file)."""
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(f"{path}: line 1, column {name}: column appears twice in the header")
        if name in layout.refused:
            raise InputError(
                f"{path}: line 1, column {name}: a plan file holds known future flags, no sales; "
                "this is an actuals file: load it with `planfact load actuals`"
            )
        if not name:
            raise InputError(f"{path}: line 1: an empty column name in the header")
        seen.add(name)
    missing = sorted(layout.required - seen)
    extra = [name for name in header if name not in layout.expected]
    problems = [f"missing column {name!r}" for name in missing] + [f"extra column {name!r}" for name in extra]
    if problems:
        column = missing[0] if missing else extra[0]
        raise InputError(
            f"{path}: line 1, column {column}: {'; '.join(problems)} for layout {layout.name} "
            f"(expected {', '.join(_ordered(layout))})"
        )


def _ordered(layout: Layout) -> list[str]:
    return [*layout.columns, *layout.ignored]


def detect_layout(path: Path, header: list[str], kind: Kind) -> Layout:
    """The built-in layout whose columns the header has; else an error naming the closest one.

    A load refuses a header of the other kind: an actuals file (with sales) given to
    ``load plan``, a plan file (without sales) given to ``load actuals``.
    """
    names = set(header)
    for layout in KNOWN_LAYOUTS:
        if layout.required <= names <= layout.expected:
            if layout.kind != kind:
                if kind == "plan":
                    raise InputError(
                        f"{path}: line 1: the header is the {layout.name} layout, an actuals file with "
                        "sales; a plan file holds known future flags only: load it with "
                        "`planfact load actuals`"
                    )
                raise InputError(
                    f"{path}: line 1: the header is the {layout.name} layout, a plan file without sales; "
                    "load it with `planfact load plan`"
                )
            return layout
    candidates = [lay for lay in KNOWN_LAYOUTS if lay.kind == kind]
    best = max(candidates, key=lambda lay: len(names & lay.expected))
    if not names & best.expected:
        known = ", ".join(lay.name for lay in candidates)
        raise InputError(
            f"{path}: line 1: header {','.join(header)} matches no known layout ({known}); "
            "describe it with --mapping FILE"
        )
    check_header(path, header, best)
    return best  # not reached: check_header raises for any header that did not match
