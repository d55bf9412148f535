"""Property: whatever is done to a valid file, a load either succeeds and ``data verify`` holds, or
ends in one clean error line with the database unchanged. Never a traceback, never a partial write.

Hypothesis mutates a valid Rossmann file (lines dropped, duplicated, swapped; fields swapped,
dropped, replaced by hostile values; bytes overwritten; the file truncated, before or after gzip)
and loads it through the command line, with or without --quarantine and --new-stores. Bounded
to a few dozen examples so it runs in seconds.
"""

from __future__ import annotations

import gzip
import re
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planfact.db.admin import throwaway_database
from support.actuals_files import ROSSMANN_HEADER, rossmann_rows, write_csv
from support.cli_run import database_env, fingerprint, run_cli

HOSTILE = [
    "",
    " ",
    "NaN",
    "-inf",
    "Infinity",
    "-1",
    "1e99",
    "0x10",
    "2015-02-30",
    "2015-13-01",
    "9999-12-31",
    "TRUE",
    "maybe",
    '"',
    ",",
    "\x00",
    "é",
    "1,5",
    "  7  ",
    "99999999999999999999",
    "null",
]
INDEX = st.integers(0, 10_000)
MUTATION = st.one_of(
    st.tuples(st.just("drop_line"), INDEX),
    st.tuples(st.just("dup_line"), INDEX),
    st.tuples(st.just("swap_lines"), INDEX, INDEX),
    st.tuples(st.just("swap_fields"), INDEX, INDEX, INDEX),
    st.tuples(st.just("drop_field"), INDEX, INDEX),
    st.tuples(st.just("set_field"), INDEX, INDEX, st.sampled_from(HOSTILE) | st.text(max_size=6)),
    st.tuples(st.just("set_byte"), INDEX, st.integers(0, 255)),
    st.tuples(st.just("truncate"), INDEX),
)


def _mutate(lines: list[str], data: bytes | None, mutation: tuple) -> tuple[list[str], bytes | None]:
    kind, *args = mutation
    if data is not None or kind in ("set_byte", "truncate"):
        raw = bytearray(data if data is not None else ("\n".join(lines) + "\n").encode())
        if not raw:
            return lines, bytes(raw)
        at = args[0] % len(raw)
        if kind == "set_byte":
            raw[at] = args[1]
        elif kind == "truncate":
            del raw[at:]
        return lines, bytes(raw)  # later line mutations act on the bytes as they are
    lines = list(lines)
    i = args[0] % len(lines)
    if kind == "drop_line":
        del lines[i]
    elif kind == "dup_line":
        lines.insert(i, lines[i])
    elif kind == "swap_lines":
        j = args[1] % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    else:
        fields = lines[i].split(",")
        a = args[1] % len(fields)
        if kind == "swap_fields":
            b = args[2] % len(fields)
            fields[a], fields[b] = fields[b], fields[a]
        elif kind == "drop_field":
            del fields[a]
        else:
            fields[a] = args[2]
        lines[i] = ",".join(fields)
    return (lines or [""]), None


@pytest.fixture(scope="module")
def database(server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Stores 1..2 and January 2015 of both (version 1)."""
    folder = tmp_path_factory.mktemp("fuzz")
    with throwaway_database(server_url, "fuzz", template=template_db) as url, database_env(url):
        stores = write_csv(folder / "store.csv", "Store,StoreType", ["1,a", "2,b"])
        january = write_csv(
            folder / "jan.csv", ROSSMANN_HEADER, rossmann_rows(2, date(2015, 1, 1), date(2015, 1, 31))
        )
        assert run_cli("load", "stores", str(stores)).code == 0
        assert run_cli("load", "actuals", str(january)).code == 0
        yield url


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
@given(
    mutations=st.lists(MUTATION, min_size=1, max_size=3),
    compress=st.booleans(),
    compress_first=st.booleans(),
    quarantine=st.booleans(),
    new_stores=st.booleans(),
)
def test_a_mutated_file_loads_cleanly_or_fails_in_one_line(
    database: str,
    mutations: list[tuple],
    compress: bool,
    compress_first: bool,
    quarantine: bool,
    new_stores: bool,
) -> None:
    lines = [ROSSMANN_HEADER, *rossmann_rows(2, date(2015, 2, 1), date(2015, 2, 14))]
    data: bytes | None = None
    if compress and compress_first:  # byte damage then hits the compressed stream
        data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    for mutation in mutations:
        lines, data = _mutate(lines, data, mutation)
    if data is None:
        data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    if compress and not compress_first:
        data = gzip.compress(data, mtime=0)
    with tempfile.TemporaryDirectory() as folder, database_env(database):
        path = Path(folder) / ("feb.csv.gz" if compress else "feb.csv")
        path.write_bytes(data)
        before = fingerprint(database)
        argv = ["load", "actuals", str(path), "--today", "2015-03-10"]
        argv += ["--quarantine"] * quarantine + ["--new-stores"] * new_stores
        result = run_cli(*argv)
        after = fingerprint(database)
        verify = run_cli("data", "verify") if result.code == 0 else None
    event(f"exit {result.code}" + (" (new version)" if after["versions"] != before["versions"] else ""))
    assert result.code in (0, 1), (result.code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.code == 0:
        assert result.stderr == ""
        assert verify is not None and verify.code == 0, verify.stderr
        if after["versions"] != before["versions"]:
            assert re.search(r"loaded as version \d+", result.stdout), result.stdout
        else:
            assert after == before or after["rejected"] != before["rejected"], result.stdout
        return
    line = result.stderr.rstrip("\n")
    assert "\n" not in line and line.startswith("planfact: error: "), result.stderr
    assert str(path) in line or "--" in line, line
    if "rejected rows kept in core.rejected_row" in line:  # --quarantine, not one good row
        assert {k: v for k, v in after.items() if k != "rejected"} == {
            k: v for k, v in before.items() if k != "rejected"
        }
    else:
        assert after == before
