"""Source files: CSV or gzip-compressed CSV, read as a byte stream or as numbered records.

The fast path streams raw bytes straight into ``COPY`` (PostgreSQL parses the CSV); the
diagnosis path reads records with Python's csv module to number lines and catch rows with
the wrong number of fields.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from planfact.errors import InputError

__all__ = ["open_binary", "read_header", "iter_chunks", "iter_records", "CHUNK"]

CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = "\ufeff"


def open_binary(path: Path) -> BinaryIO:
    """The uncompressed bytes of ``path``; gzip is recognised by its magic bytes, not the name."""
    with path.open("rb") as handle:
        magic = handle.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_header(path: Path) -> list[str]:
    """The column names on line 1 (a UTF-8 byte-order mark is dropped)."""
    try:
        with open_binary(path) as raw:
            first = raw.readline().decode("utf-8")
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise InputError(f"{path}: line 1: cannot read the header: {exc}") from None
    if not first.strip():
        raise InputError(f"{path}: line 1: empty file, expected a header line")
    header = next(csv.reader([first.lstrip(_BOM)]))
    return [name.strip() for name in header]


def iter_chunks(path: Path) -> Iterator[bytes]:
    """The uncompressed file in blocks of about 1 MiB (header included)."""
    with open_binary(path) as raw:
        while block := raw.read(CHUNK):
            yield block


def iter_records(path: Path) -> Iterator[tuple[int, list[str], str]]:
    """(line number, fields, raw line) for every record after the header; line 1 is the header."""
    with open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        reader = csv.reader(text)
        try:
            next(reader)
            for fields in reader:
                if not fields:
                    continue  # a blank line (often the last one) carries no record
                yield reader.line_num, fields, ",".join(fields)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: line {reader.line_num + 1}: not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise InputError(f"{path}: line {reader.line_num}: malformed CSV: {exc}") from None
