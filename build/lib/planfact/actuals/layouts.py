"""File layouts: how the columns of a source file map to the logical columns of a load.

Logical columns (the staging table's names): ``store_id``, ``group_id``, ``sale_date``,
``sales``, ``customers``, ``promo``, ``is_open``, ``state_holiday``, ``school_holiday``,
``day_of_week``. Known layouts are recognised from the header; anything else is described by
a small TOML mapping file (see ``read_mapping``).
"""

from __future__ import annotations

import tomllib
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
    "detect_layout",
    "named_layout",
    "read_mapping",
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
ROSSMANN_HOLIDAYS = ("0", "a", "b", "c")


@dataclass(frozen=True)
class Layout:
    """One file layout: header name -> logical column, plus columns read but not loaded.

    ``optional`` file columns may be absent (e.g. the ``Id`` of Kaggle's test.csv).
    """

    name: str
    kind: Kind
    columns: dict[str, str]
    ignored: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    state_holiday_codes: tuple[str, ...] | None = None
    frequency: str = "daily"
    source: str = field(default="built-in", compare=False)

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
        """The same layout for a plan file: sales columns become optional and are not loaded."""
        if self.kind == "plan":
            return self
        sales = [name for name, target in self.columns.items() if target in SALES_COLUMNS]
        columns = {k: v for k, v in self.columns.items() if v not in SALES_COLUMNS}
        return replace(
            self,
            kind="plan",
            columns=columns,
            ignored=self.ignored + tuple(sales),
            optional=self.optional + tuple(sales),
        )


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
        state_holiday_codes=ROSSMANN_HOLIDAYS,
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
        state_holiday_codes=ROSSMANN_HOLIDAYS,
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
    """The built-in layout whose columns the header has; else an error naming the closest one."""
    names = set(header)
    for layout in KNOWN_LAYOUTS:
        if layout.required <= names <= layout.expected:
            if layout.kind != kind:
                if kind == "plan":
                    return layout.as_plan()
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


def read_mapping(path: Path, kind: Kind) -> Layout:
    """A generic layout from a TOML mapping file.

    Example::

        name = "erp-export"            # recorded as layout "generic:erp-export"
        frequency = "daily"            # the only frequency the daily fact table stores
        ignore = ["comment"]           # file columns to read but not load
        state_holiday_codes = ["0", "a"]   # optional whitelist
        [columns]                      # logical column = header name in the file
        store_id = "shop"
        group_id = "category"          # optional: without it every row is group "all"
        sale_date = "day"
        sales = "net_sales"
        promo = "promo"                # optional, like customers, is_open, state_holiday, ...
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--mapping {path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"--mapping {path}: not valid TOML: {exc}") from None
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise UsageError(f"--mapping {path}: needs a [columns] table (logical column = header name)")
    unknown = sorted(set(columns) - set(LOGICAL_COLUMNS))
    if unknown:
        raise UsageError(
            f"--mapping {path}: unknown logical column {unknown[0]!r} in [columns]; "
            f"use {', '.join(LOGICAL_COLUMNS)}"
        )
    needed = ["store_id", "sale_date"] + (["sales"] if kind == "actuals" else [])
    for logical in needed:
        if not isinstance(columns.get(logical), str):
            raise UsageError(f"--mapping {path}: [columns] must name the file column of {logical!r}")
    frequency = str(data.get("frequency", "daily"))
    if frequency != "daily":
        raise UsageError(
            f"--mapping {path}: frequency {frequency!r} is not supported; the facts are daily (use 'daily')"
        )
    ignored = tuple(str(name) for name in data.get("ignore", []))
    if len(ignored) > MAX_IGNORED:
        raise UsageError(f"--mapping {path}: at most {MAX_IGNORED} columns can be ignored")
    codes = data.get("state_holiday_codes")
    layout = Layout(
        name=f"generic:{data.get('name', path.stem)}",
        kind="actuals",
        columns={str(header): logical for logical, header in columns.items()},
        ignored=ignored,
        state_holiday_codes=tuple(str(c) for c in codes) if codes else None,
        frequency=frequency,
        source=str(path),
    )
    return layout if kind == "actuals" else layout.as_plan()
