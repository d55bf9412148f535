"""The contract of every file kind planfact reads, declared once.

Each ``FileContract`` says which command reads the kind, how the kind is recognised from its
header, and per column its type and rule. The checks themselves live where the data goes
(the row rules in SQL, ``core.actuals_row_problem``; stores and holidays in
``planfact.actuals.reference``; the TOML files in pydantic models); this table is what the
README shows (``markdown_table``; a test keeps the two equal) and what ``sniff_kind`` uses
to refuse a file given to the wrong command by its header.
"""

from __future__ import annotations

from dataclasses import dataclass

from planfact.actuals.layouts import KNOWN_LAYOUTS

__all__ = [
    "Column",
    "FileContract",
    "CONTRACTS",
    "ERROR_FORMAT",
    "EXIT_CODES",
    "HOLIDAY_HEADER",
    "HOLIDAY_TYPES",
    "STORE_ID_NAMES",
    "sniff_kind",
    "markdown_table",
]

ERROR_FORMAT = "FILE: line L, column C: reason"
EXIT_CODES = {
    0: "done (a load that changes nothing is done too)",
    1: "bad input: a file is missing, unreadable or breaks its contract; a failed run or data test",
    2: "usage: unknown command or option, bad option value or setting, database unreachable, "
    "schema missing or behind",
}
HOLIDAY_HEADER = ("date", "type", "locale", "locale_name", "description", "transferred")
HOLIDAY_TYPES = ("Holiday", "Transfer", "Additional", "Bridge", "Work Day", "Event")
STORE_ID_NAMES = ("store", "store_nbr", "store_id")
# Header names (lowercase) of per-day columns: a file with them is no stores file.
_DAY_NAMES = {"date", "sale_date", "day", "ds", "dayofweek", "day_of_week"}
_SALES_NAMES = {"sales", "net_sales", "revenue", "customers", "units", "qty", "quantity", "weekly_sales"}

BOOLEAN = "boolean: 0/1, true/false, t/f, yes/no, on/off (any case)"
NUMBER = (
    "a plain decimal: an optional minus, digits, optionally a point and digits and an exponent "
    "(-1234.5, 1.5e3; not 0x10, 1_000, +5, .5, 5. or a space at either end: planfact.actuals.numbers)"
)
INTEGER = "digits (an optional minus: planfact.actuals.numbers)"
DAY = "exactly YYYY-MM-DD (no other form, time or space: planfact.actuals.dates), in 2000-01-01..2040-12-31"


@dataclass(frozen=True)
class Column:
    """One column of a file kind: its name(s) in the file, type, and the rule on its values."""

    name: str
    type: str
    rule: str
    required: bool = True


@dataclass(frozen=True)
class FileContract:
    """One file kind: the command that reads it, how it is recognised, key and columns."""

    kind: str
    command: str
    recognised: str
    key: str
    columns: tuple[Column, ...]


_FLAG_COLUMNS = (
    Column("promo", "count or boolean", "integer >= 0, or a boolean (1/0)", required=False),
    Column("is_open", "boolean", BOOLEAN + "; empty = open", required=False),
    Column(
        "state_holiday",
        "holiday flag",
        "declared per layout: codes (Rossmann 0,a,b,c) or a boolean (the default of a mapping); "
        "stored as '0' for a normal day",
        required=False,
    ),
    Column("school_holiday", "boolean", BOOLEAN, required=False),
    Column("day_of_week", "integer", INTEGER + ", ISO 1..7, must match the date", required=False),
)

CONTRACTS: tuple[FileContract, ...] = (
    FileContract(
        kind="actuals",
        command="load actuals",
        recognised="header of a built-in layout (rossmann, favorita) or of a --mapping, names exactly "
        "as written (a space at either end is refused, not trimmed); a plan, stores or holidays header "
        "is refused",
        key="store, group, date: once per file (a set of files: the later file wins)",
        columns=(
            Column("store_id", "text", "non-empty; in core.store unless --new-stores"),
            Column(
                "group_id",
                "text",
                "non-empty; in core.product_group unless --new-stores; absent = 'all'",
                required=False,
            ),
            Column("sale_date", "date", DAY + ", not after today (--today)"),
            Column(
                "sales",
                "number",
                NUMBER + "; finite (no NaN/Infinity); at most 14 digits before the point as stored "
                "(rounded to 4 decimals: a larger number is refused as out of range); >= 0 unless "
                "the mapping sets allow_negative_sales",
            ),
            Column("customers", "integer", INTEGER + ", >= 0, at most 2147483647", required=False),
            *_FLAG_COLUMNS,
        ),
    ),
    FileContract(
        kind="plan",
        command="load plan",
        recognised="header of a plan layout (rossmann-plan, favorita-plan) or a --mapping "
        "without sales, names as in actuals; a header with sales is refused",
        key="store, group, date: once per file",
        columns=(
            Column("store_id, group_id", "text", "as in actuals"),
            Column(
                "sale_date",
                "date",
                DAY + "; not in a month whose actuals are loaded (a closed month's plan stays as it was)",
            ),
            Column(
                "promo, is_open, state_holiday, school_holiday, day_of_week",
                "flags",
                "as in actuals; empty = not known (the mart's defaults apply)",
                required=False,
            ),
        ),
    ),
    FileContract(
        kind="stores",
        command="load stores",
        recognised="one store id column (Store, store_nbr or store_id) and no per-day column "
        "(date, sales, ...), names as in actuals; an actuals, plan or holidays header is refused",
        key="store id: once per file",
        columns=(
            Column("store id", "text", "non-empty"),
            Column("name, city, state, type, cluster, assortment", "text", "free text", required=False),
            Column(
                "CompetitionDistance", "number", "a plain decimal as in actuals, finite, >= 0", required=False
            ),
            Column("CompetitionOpenSinceMonth", "integer", "digits, 1..12", required=False),
            Column(
                "CompetitionOpenSinceYear, Promo2SinceYear", "integer", "digits, 1900..2100", required=False
            ),
            Column("Promo2", "integer", "digits, 0 or 1", required=False),
            Column("Promo2SinceWeek", "integer", "digits, 1..53", required=False),
            Column(
                "any other column",
                "text or number",
                "kept as an attribute: a number if a plain decimal (finite), else text",
                required=False,
            ),
        ),
    ),
    FileContract(
        kind="holidays",
        command="load holidays",
        recognised="exactly the columns " + ", ".join(HOLIDAY_HEADER) + " (Favorita holidays_events), "
        "names as in actuals",
        key="date, locale_name, description: once per file",
        columns=(
            Column("date", "date", DAY),
            Column("type", "text", "one of " + ", ".join(HOLIDAY_TYPES)),
            Column("locale", "text", "National, Regional or Local (any case)"),
            Column("locale_name, description", "text", "non-empty"),
            Column("transferred", "boolean", BOOLEAN + "; empty = false"),
        ),
    ),
    FileContract(
        kind="mapping TOML",
        command="--mapping FILE (load actuals, load plan, data split-months)",
        recognised="a pydantic model; unknown keys are refused",
        key="one file column per logical column",
        columns=(
            Column("name", "text", "letters, digits, space . : _ -", required=False),
            Column("frequency", "text", "'daily'", required=False),
            Column("allow_negative_sales", "boolean", "true: sales are net of returns", required=False),
            Column("ignore", "list of text", "at most 4 file columns, none of them mapped", required=False),
            Column(
                "[columns]",
                "table",
                "logical column = header; store_id, sale_date (and sales for actuals) required",
            ),
            Column(
                "[flags.state_holiday]",
                "table",
                "type = 'boolean' or 'codes' with codes and none",
                required=False,
            ),
        ),
    ),
    FileContract(
        kind="experiments TOML",
        command="run month --experiments FILE",
        recognised="the engine's experiments model (forecasting/experiments.py)",
        key="experiment names unique",
        columns=(
            Column(
                "seed, levels, [backtest], [metrics], [selection], [[experiment]]",
                "tables",
                "see forecasting/default_experiments.toml",
            ),
        ),
    ),
)


def sniff_kind(header: list[str]) -> tuple[str, str] | None:
    """(kind, what) a header looks like, or None: used to refuse a file given to the wrong command."""
    names = {h.strip().lower() for h in header}
    if set(HOLIDAY_HEADER) <= names:
        return "holidays", "a holidays file"
    exact = set(header)
    for layout in KNOWN_LAYOUTS:
        if layout.required <= exact <= layout.expected:
            return layout.kind, f"the {layout.name} layout"
    if names & _DAY_NAMES and names & _SALES_NAMES:
        return "actuals", "a sales file (a date and a sales column)"
    if names & _DAY_NAMES:
        return "plan", "a file of days (a date column)"
    if names & set(STORE_ID_NAMES):
        return "stores", "a stores file"
    return None


def markdown_table() -> str:
    """The contracts as the README's table (one row per column of each kind)."""
    lines = [
        "| file kind (command) | recognised by | key | column | type | rule |",
        "|---|---|---|---|---|---|",
    ]
    for contract in CONTRACTS:
        for i, column in enumerate(contract.columns):
            head = (
                (f"**{contract.kind}** (`{contract.command}`)", contract.recognised, contract.key)
                if i == 0
                else ("", "", "")
            )
            name = column.name if column.required else f"{column.name} (optional)"
            lines.append(f"| {' | '.join(head)} | {name} | {column.type} | {column.rule} |")
    return "\n".join(lines)
