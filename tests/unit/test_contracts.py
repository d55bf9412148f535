"""The declared contracts: the README shows them, the TOML mapping is checked key by key with its
line, file kinds are told apart by their headers, and reading a source names the right line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from planfact.actuals.contracts import CONTRACTS, markdown_table, sniff_kind
from planfact.actuals.layouts import HolidayFlag
from planfact.actuals.mapping import read_mapping
from planfact.actuals.source import iter_records, read_header
from planfact.db.schema import packaged_head, packaged_revisions
from planfact.errors import InputError
from planfact.tomlsource import key_position
from support import ROOT


def test_the_readme_shows_the_declared_contracts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README's contract table differs: paste markdown_table() again"
    kinds = {c.kind for c in CONTRACTS}
    assert {"actuals", "plan", "stores", "holidays", "mapping TOML", "experiments TOML"} == kinds


def test_the_schema_head_read_from_the_files_is_alembics() -> None:
    from planfact.db.migrate import head_revision

    assert packaged_head() == head_revision()
    assert packaged_revisions()["0001_core"] is None


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Store,DayOfWeek,Date,Sales,Customers,Open,Promo,StateHoliday,SchoolHoliday", "actuals"),
        ("Id,Store,DayOfWeek,Date,Open,Promo,StateHoliday,SchoolHoliday", "plan"),
        ("id,date,store_nbr,family,sales,onpromotion", "actuals"),
        ("Store,StoreType,Assortment,CompetitionDistance", "stores"),
        ("store_nbr,city,state,type,cluster", "stores"),
        ("date,type,locale,locale_name,description,transferred", "holidays"),
        ("shop,day,net_sales", "actuals"),
        ("a,b,c", None),
    ],
)
def test_file_kinds_are_told_by_their_header(header: str, kind: str | None) -> None:
    found = sniff_kind(header.split(","))
    assert (found[0] if found else None) == kind


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text)
    return path


BASE = '[columns]\nstore_id = "shop"\nsale_date = "day"\nsales = "revenue"\n'


def test_a_mapping_declares_returns_flags_and_columns(tmp_path: Path) -> None:
    text = (
        'name = "erp"\nallow_negative_sales = true\nignore = ["note"]\n' + BASE + 'state_holiday = "hol"\n'
        '[flags.state_holiday]\ntype = "codes"\ncodes = ["N", "P", "S"]\nnone = "N"\n'
    )
    layout = read_mapping(_mapping(tmp_path, text), "actuals")
    assert layout.name == "generic:erp" and layout.allow_negative and layout.ignored == ("note",)
    assert layout.columns == {
        "shop": "store_id",
        "day": "sale_date",
        "revenue": "sales",
        "hol": "state_holiday",
    }
    assert layout.holiday == HolidayFlag(("N", "P", "S"), "N")
    plan = read_mapping(_mapping(tmp_path, text), "plan")
    assert "revenue" not in plan.columns and plan.refused == ("revenue",)
    # without [flags] a holiday column is a boolean
    assert read_mapping(_mapping(tmp_path, BASE + 'state_holiday = "hol"\n'), "actuals").holiday.codes is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'ignore = "note"\n' + BASE,
            r"line 1, column 1: ignore: input should be a valid list \(got 'note'\)",
        ),
        ("name = 3\n" + BASE, r"line 1, column 1: name: input should be a valid string"),
        (
            '\n\nencoding = "latin-1"\n' + BASE,
            r"line 3, column 1: encoding: unknown key \(known: name, frequency,",
        ),
        (BASE.replace('sales = "revenue"\n', ""), r"line 1, column 1: columns: sales is missing"),
        (
            BASE.replace('store_id = "shop"\n', ""),
            r"line 1, column 1: columns.store_id: missing \(required\)",
        ),
        (BASE + 'promo = "day"\n', r"line 5, column 1: columns.promo: file column 'day' is already mapped"),
        (BASE + "  [columns.extra]\n", r"line 5, column 3: columns.extra: unknown key"),
        (BASE + 'sales = "x"\n', r"line 5, column \d+: not valid TOML: Cannot overwrite a value"),
        ("ignore = [1]\n" + BASE, r"line 1, column 1: ignore.0: input should be a valid string"),
        (
            'ignore = ["a", "b", "c", "d", "e"]\n' + BASE,
            r"line 1, column 1: ignore: list should have at most 4",
        ),
        ('ignore = ["shop"]\n' + BASE, r"line 1, column 1: ignore.0: 'shop' is both ignored and mapped"),
        (
            BASE + '[flags.state_holiday]\ntype = "codes"\ncodes = ["a"]\nnone = "0"\n',
            r"line 8, column 1: flags.state_holiday.none: '0' is not one of the codes",
        ),
        (
            BASE + '[flags.state_holiday]\ntype = "yes/no"\n',
            r"line 6, column 1: flags.state_holiday.type: input",
        ),
        (
            "allow_negative_sales = 1\n" + BASE,
            r"line 1, column 1: allow_negative_sales: input should be a valid",
        ),
    ],
)
def test_a_mapping_that_breaks_its_contract_names_line_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InputError, match=r"m\.toml: " + message):
        read_mapping(_mapping(tmp_path, text), "actuals")


def test_a_mapping_in_another_encoding(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_bytes(BASE.encode() + b"# caf\xe9\n")
    with pytest.raises(InputError, match=r"m\.toml: line 5, column 6: not UTF-8 text"):
        read_mapping(path, "actuals")


def test_key_positions() -> None:
    text = 'name = "x"\n[columns]\n  sales = "s"\n[flags.state_holiday]\ntype = "codes"\n'
    assert key_position(text, ("name",)) == (1, 1)
    assert key_position(text, ("columns", "sales")) == (3, 3)
    assert key_position(text, ("columns", "promo")) == (2, 1)  # a missing key: its table
    assert key_position(text, ("flags", "state_holiday", "type")) == (5, 1)
    assert key_position(text, ("nothing",)) == (1, 1)


def test_records_are_numbered_where_they_start(tmp_path: Path) -> None:
    path = tmp_path / "x.csv.gz"
    path.write_bytes(gzip.compress(b'\xef\xbb\xbfa,b\n1,2\n\n3,"x\ny"\n4,5\n', mtime=0))
    assert read_header(path) == ["a", "b"]
    assert [(n, f) for n, f, _raw in iter_records(path)] == [
        (2, ["1", "2"]),
        (4, ["3", "x\ny"]),
        (6, ["4", "5"]),
    ]


def test_unreadable_lines_are_collected_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n3,\xff\n5,6\n")
    with pytest.raises(
        InputError, match=r"x\.csv: line 3, column b: not UTF-8 text \(byte 0xff at position 3\)"
    ):
        list(iter_records(path, ["a", "b"]))
    bad: list[tuple[int, str | None, str, str]] = []
    assert [n for n, _f, _r in iter_records(path, ["a", "b"], bad)] == [2, 4]
    assert [(b[0], b[1]) for b in bad] == [(3, "b")]
