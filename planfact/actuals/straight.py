"""The straight load path: a clean file that only adds days is copied straight into core.actuals.

The first full history and the monthly increment add days the data does not hold yet (no
current row within the file's period). For such a file the staged diff has nothing to
compare: the file is read and checked client-side (``clean.read_clean``), its series ids
resolved (stores, groups and series created where the load accepts new ones), and its rows
sent once, by binary ``COPY``, sorted by series and day, into core.actuals. Into the empty
table (a first load) the table is truncated in the load's transaction so the ``COPY`` may
``FREEZE``, and its keys and indexes are dropped and rebuilt from the sorted rows (``bulk``);
an increment goes in with the indexes in place. Versions, file rows, month checksums and
counts are written as by ``apply``, in the load's transaction under its advisory lock:
nothing is half-written.

``load_straight`` answers None, having written nothing, whenever the file is not surely clean
or overlaps the current data: the loader then stages and diffs the file as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import psycopg
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from planfact.actuals.apply import Applied, close_version, open_version
from planfact.actuals.bulk import owns_actuals, write_rebuilding_indexes
from planfact.actuals.clean import CleanFile, read_clean
from planfact.actuals.staging import SourceFile, StagedFile
from planfact.db.queries import execute, fetch_all, fetch_one, statement
from planfact.stopwatch import lap

__all__ = ["load_straight", "encode_rows"]

log = logging.getLogger(__name__)

_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_TRAILER = (-1).to_bytes(2, "big", signed=True)
_PG_EPOCH = np.datetime64("2000-01-01", "D")
_BLOCK = 1 << 16  # rows per COPY write
# numeric in binary: 4 base-10000 digits, weight 2 (the first counts 10^8s), sign (filled in
# per row), scale 4; then the 4 digits
_NUMERIC_HEAD = (4).to_bytes(2, "big") + (2).to_bytes(2, "big") + bytes(2) + (4).to_bytes(2, "big")


def load_straight(
    conn: psycopg.Connection,
    source: SourceFile,
    *,
    empty: bool,
    new_series: bool,
    previous_id: int | None,
    version_row: dict[str, object],
) -> tuple[Applied, StagedFile] | None:
    """Load ``source`` as a new version the straight way, or None (nothing written) when the
    staged path must take it; ``empty``: core.actuals holds no row yet."""
    clean = read_clean(source)
    lap("sort, duplicate and frequency tests")
    if clean is None:
        return None
    period_start, period_end = clean.period
    if not empty:
        overlap = fetch_one(
            conn, "actuals/current_rows_in_period", {"period_start": period_start, "period_end": period_end}
        )
        if overlap is None or overlap[0]:
            return None
    stores = [key[0] for key in clean.keys]
    groups = [key[1] for key in clean.keys]
    known = fetch_all(conn, "actuals/series_of_keys", {"stores": stores, "groups": groups})
    if not new_series and not all(row[3] and row[4] for row in known):
        return None  # the staging refuses it, naming the unknown stores and groups
    staged = StagedFile(source, clean.rows, period_start, period_end)
    version_id = open_version(conn, [staged], version_row)
    new_stores = new_groups = new = 0
    if not all(row[2] is not None for row in known):
        created = fetch_one(conn, "actuals/ensure_keys", {"stores": stores, "groups": groups})
        new_stores, new_groups = (int(created[0]), int(created[1])) if created else (0, 0)
        new = execute(conn, "actuals/ensure_key_series", {"stores": stores, "groups": groups}).rowcount
        known = fetch_all(conn, "actuals/series_of_keys", {"stores": stores, "groups": groups})
    ids = {(row[0], row[1]): int(row[2]) for row in known}
    series_ids = np.array([ids[key] for key in clean.keys], dtype=np.int64)
    lap("series ids and version row")
    if empty:
        freeze = owns_actuals(conn)
        if freeze:
            execute(conn, "actuals/truncate_empty")
        write_rebuilding_indexes(conn, clean.rows, lambda: _copy(conn, clean, series_ids, version_id, freeze))
    else:
        _copy(conn, clean, series_ids, version_id, False)
    months = None if empty else sorted({d.item() for d in np.unique(clean.days.astype("datetime64[M]"))})
    close_version(
        conn,
        version_id,
        previous_id,
        [staged],
        touched=months,
        period=(period_start, period_end),
        rows=clean.rows,
        written=clean.rows,
        restated=0,
    )
    log.info("straight load", extra={"rows": clean.rows, "version": version_id})
    applied = Applied(
        version_id, clean.rows, 0, 0, clean.rows, period_start, period_end, new_stores, new_groups, new
    )
    return applied, staged


def _copy(
    conn: psycopg.Connection, clean: CleanFile, series_ids: np.ndarray, version_id: int, freeze: bool
) -> int:
    """Send the rows by binary COPY. Blocks are encoded as they are sent and a writer thread
    pushes them to the server, so the server stores one block while the next is encoded."""
    columns, blocks = encode_rows(clean, series_ids, version_id)
    query = sql.SQL(statement("actuals/copy_straight")).format(
        columns=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        freeze=sql.SQL(", freeze" if freeze else ""),
    )
    with conn.cursor() as cur, cur.copy(query, writer=QueuedLibpqWriter(cur)) as copy:
        copy.write(_HEADER)
        for block in blocks:
            copy.write(block)
        copy.write(_TRAILER)
    lap("encode rows and COPY")
    return clean.rows


def encode_rows(
    clean: CleanFile, series_ids: np.ndarray, version_id: int
) -> tuple[list[str], Iterator[bytes]]:
    """The column names and the rows of a binary COPY (without its header and trailer), in
    blocks of up to ``_BLOCK`` rows encoded as they are taken.

    Every field has a fixed width but the holiday text, so the rows are encoded with one
    numpy record type per holiday length (row order does not matter to COPY; each group stays
    sorted by series and day). Sales go as numeric with 3 base-10000 digits before the point
    and 1 after (|sales| < 10^9, 4 decimals, the scale of core.actuals.sales).
    """
    n = clean.rows
    fields: list[tuple[str, str, np.ndarray | None]] = [
        ("series_id", ">i4", series_ids[clean.series]),
        ("sale_date", ">i4", (clean.days - _PG_EPOCH).astype(np.int64)),
        ("sales", "numeric", clean.sales_e4),
        ("valid_from_version", ">i4", np.full(n, version_id, dtype=np.int64)),
    ]
    for column, kind, values in (
        ("promo", ">i4", clean.promo),
        ("is_open", "u1", clean.is_open),
        ("school_holiday", "u1", clean.school_holiday),
        ("customers", ">i4", clean.customers),
    ):
        if values is not None:
            fields.append((column, kind, values))
    holidays = clean.state_holiday
    texts: list[bytes] = []
    if holidays is not None and clean.holiday_values is not None:
        fields.append(("state_holiday", "text", None))
        texts = [value.encode() for value in clean.holiday_values]
        width_of = np.array([len(value) for value in texts], dtype=np.int64)[holidays]
        groups = [(width_of == width, width) for width in np.unique(width_of).tolist()]
    else:
        groups = [(np.ones(n, dtype=bool), 0)]

    def blocks() -> Iterator[bytes]:
        for chosen, width in groups:
            text = None
            if holidays is not None and texts:
                # (each code padded to the group's width: only this width's codes are picked)
                text = np.array(texts, dtype=f"S{max(width, 1)}")[holidays[chosen]]
            yield from _encode_group(fields, np.flatnonzero(chosen), text, width)

    return [f[0] for f in fields], blocks()


def _encode_group(
    fields: list[tuple[str, str, np.ndarray | None]], rows: np.ndarray, text: np.ndarray | None, width: int
) -> Iterator[bytes]:
    """The ``rows`` (indexes) of one holiday width (``text``: their holiday codes as bytes) in
    binary COPY form, a block at a time: a template row (field count, lengths, numeric headers)
    repeated, then each value column written into its byte columns."""
    template = bytearray(len(fields).to_bytes(2, "big"))
    slots: list[tuple[int, str, np.ndarray | None]] = []  # (byte offset, kind, values)
    for _column, kind, values in fields:
        if kind == "numeric":
            template += (16).to_bytes(4, "big") + _NUMERIC_HEAD
            slots.append((len(template) - 4, kind, values))  # the sign, then the 4 digits
            template += bytes(8)
        elif kind == "text":
            template += width.to_bytes(4, "big")
            if width:
                slots.append((len(template), kind, text))
                template += bytes(width)
        else:
            size = np.dtype(kind).itemsize
            template += size.to_bytes(4, "big")
            slots.append((len(template), kind, values))
            template += bytes(size)
    pattern = np.frombuffer(bytes(template), dtype=np.uint8)
    for start in range(0, len(rows), _BLOCK):
        part = rows[start : start + _BLOCK]
        block = np.empty((len(part), len(template)), dtype=np.uint8)
        block[:] = pattern
        for offset, kind, values in slots:
            if kind == "text":
                _put(block, offset, np.asarray(values)[start : start + _BLOCK])
            elif kind == "numeric":
                scaled = values[part]  # type: ignore[index]
                _put(block, offset, np.where(scaled < 0, 0x4000, 0).astype(">u2"))
                _put(block, offset + 4, _base_10000(np.abs(scaled)))
            else:
                _put(block, offset, values[part].astype(kind))  # type: ignore[index]
        yield block.tobytes()


def _base_10000(magnitude: np.ndarray) -> np.ndarray:
    """The 4 base-10000 digits of each value (< 10^16), most significant first."""
    digits = np.empty((len(magnitude), 4), dtype=">i2")
    for place in (3, 2, 1):  # (one division per base-10000 digit)
        quotient = magnitude // 10_000
        digits[:, place] = magnitude - quotient * 10_000
        magnitude = quotient
    digits[:, 0] = magnitude
    return digits


def _put(block: np.ndarray, offset: int, data: np.ndarray) -> None:
    """Write each row's value of ``data`` into the bytes of ``block`` from ``offset``."""
    raw = np.ascontiguousarray(data).view(np.uint8).reshape(len(block), -1)
    block[:, offset : offset + raw.shape[1]] = raw
