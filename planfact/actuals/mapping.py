"""The mapping TOML: a generic file layout declared by its user, checked by a pydantic model.

Example::

    name = "erp-export"              # recorded as layout "generic:erp-export"
    frequency = "daily"              # the grain of the rows (daily is the one stored today)
    allow_negative_sales = true      # net sales with returns: negative values are kept
    ignore = ["comment"]             # file columns read but not loaded (at most 4)
    [columns]                        # logical column = header name in the file
    store_id = "shop"
    group_id = "department"          # optional: without it every row is group "all"
    sale_date = "day"
    sales = "net_sales"
    promo = "promo"                  # optional, like customers, is_open, state_holiday, ...
    [flags.state_holiday]            # how the holiday column reads (default: a boolean)
    type = "codes"                   # "boolean" or "codes"
    codes = ["0", "a", "b", "c"]
    none = "0"                       # the code of a normal day

Every key is checked (unknown keys are refused, with their line): the contract is what the
model says, nothing is ignored silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from planfact.actuals.layouts import LOGICAL_COLUMNS, MAX_IGNORED, HolidayFlag, Kind, Layout
from planfact.tomlsource import ContractError, read_model

__all__ = ["MappingFile", "read_mapping"]

_STRICT = ConfigDict(extra="forbid", strict=True)


def _header(required: bool = False) -> Any:
    if required:
        return Field(min_length=1, max_length=200)
    return Field(default=None, min_length=1, max_length=200)


class _Columns(BaseModel):
    """Logical column -> header name in the file."""

    model_config = _STRICT

    store_id: str = _header(required=True)
    sale_date: str = _header(required=True)
    group_id: str | None = _header()
    sales: str | None = _header()
    customers: str | None = _header()
    promo: str | None = _header()
    is_open: str | None = _header()
    state_holiday: str | None = _header()
    school_holiday: str | None = _header()
    day_of_week: str | None = _header()


class _HolidayFlag(BaseModel):
    model_config = _STRICT

    type: Literal["boolean", "codes"] = "boolean"
    codes: list[str] | None = Field(default=None, min_length=1, max_length=50)
    none: str = "0"


class _Flags(BaseModel):
    model_config = _STRICT

    state_holiday: _HolidayFlag = _HolidayFlag()


class MappingFile(BaseModel):
    """The whole mapping file (see the module doc)."""

    model_config = _STRICT

    name: str | None = Field(default=None, min_length=1, max_length=100, pattern=r"^[\w .:-]+$")
    frequency: Literal["daily"] = "daily"
    allow_negative_sales: bool = False
    ignore: list[str] = Field(default_factory=list, max_length=MAX_IGNORED)
    columns: _Columns
    flags: _Flags = _Flags()

    def check(self, kind: Kind) -> None:
        """Rules across keys; raises ContractError naming the key."""
        mapped: dict[str, str] = {}
        for logical in LOGICAL_COLUMNS:
            header = getattr(self.columns, logical)
            if header is None:
                continue
            if header in mapped:
                raise ContractError(
                    ("columns", logical),
                    f"file column {header!r} is already mapped to {mapped[header]!r}; "
                    "one file column feeds one logical column",
                )
            mapped[header] = logical
        if kind == "actuals" and self.columns.sales is None:
            raise ContractError(("columns",), "sales is missing: name the file column holding sales")
        for position, name in enumerate(self.ignore):
            if name in mapped:
                raise ContractError(("ignore", position), f"{name!r} is both ignored and mapped")
            if name in self.ignore[:position]:
                raise ContractError(("ignore", position), f"{name!r} is listed twice")
        flag = self.flags.state_holiday
        if flag.type == "codes":
            if not flag.codes:
                raise ContractError(("flags", "state_holiday", "codes"), "type 'codes' needs a codes list")
            if len(set(flag.codes)) != len(flag.codes):
                raise ContractError(("flags", "state_holiday", "codes"), "a code is listed twice")
            if flag.none not in flag.codes:
                raise ContractError(
                    ("flags", "state_holiday", "none"), f"{flag.none!r} is not one of the codes"
                )
            if flag.none != "0" and "0" in flag.codes:
                raise ContractError(
                    ("flags", "state_holiday", "codes"),
                    "'0' stands for a normal day in the database; it can only be the none code",
                )
        elif flag.codes is not None:
            raise ContractError(("flags", "state_holiday", "codes"), "codes only go with type = 'codes'")

    def layout(self, path: Path, kind: Kind) -> Layout:
        """The layout this mapping declares, for a load of ``kind``."""
        flag = self.flags.state_holiday
        layout = Layout(
            name=f"generic:{self.name or path.stem}",
            kind="actuals",
            columns={
                header: logical
                for logical in LOGICAL_COLUMNS
                if (header := getattr(self.columns, logical)) is not None
            },
            ignored=tuple(self.ignore),
            holiday=HolidayFlag(tuple(flag.codes) if flag.codes else None, flag.none),
            allow_negative=self.allow_negative_sales,
            frequency=self.frequency,
            source=str(path),
        )
        return layout if kind == "actuals" else layout.as_plan()


def read_mapping(path: Path, kind: Kind) -> Layout:
    """The layout a mapping file declares; a file that breaks the contract is one InputError
    ``FILE: line L, column C: key: reason``."""
    path = Path(path)
    mapping = read_model(path, MappingFile, "--mapping", lambda m: m.check(kind))
    return mapping.layout(path, kind)
