"""Source files: CSV or gzip-compressed CSV, read as a byte stream or as numbered records.

The fast path streams raw bytes straight into ``COPY`` (PostgreSQL parses the CSV); the
diagnosis path reads the file line by line to number every problem: each line is decoded on
its own, so a bad byte is reported on its own line (with the column it falls in), and a
corrupt or truncated gzip stream names the first line it could not deliver.

What is not a CSV text file is refused on line 1 by its first bytes: a zip archive (or an
xlsx workbook), bzip2, xz or zstd streams, UTF-16/32 text, an empty or BOM-only file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from planfact.errors import InputError

__all__ = [
    "CHUNK",
    "READ_ERRORS",
    "open_binary",
    "read_header",
    "iter_chunks",
    "iter_lines",
    "iter_records",
    "csv_fields",
]

CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = "\ufeff"
# Exceptions a damaged gzip stream raises while it is read.
READ_ERRORS: tuple[type[BaseException], ...] = (EOFError, zlib.error, gzip.BadGzipFile, OSError)
# First bytes of files that are not CSV text, and what they are.
_NOT_CSV: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (or an xlsx workbook), not a CSV or gzip file: unzip or export it first"),
    (b"PK\x05\x06", "an empty zip archive, not a CSV or gzip file"),
    (b"BZh", "a bzip2 file: only gzip compression is read"),
    (b"\xfd7zXZ\x00", "an xz file: only gzip compression is read"),
    (b"\x28\xb5\x2f\xfd", "a zstd file: only gzip compression is read"),
    (codecs.BOM_UTF32_LE, "UTF-32 text: save it as UTF-8"),
    (codecs.BOM_UTF32_BE, "UTF-32 text: save it as UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16 text: save it as UTF-8"),
    (codecs.BOM_UTF16_BE, "UTF-16 text: save it as UTF-8"),
)


def _refuse_other_formats(path: Path, head: bytes, inside_gzip: bool) -> None:
    for magic, what in _NOT_CSV:
        if head.startswith(magic):
            where = "the gzip stream holds " if inside_gzip else ""
            raise InputError(f"{path}: line 1: {where}{what}")


def open_binary(path: Path) -> BinaryIO:
    """The uncompressed bytes of ``path``; gzip is recognised by its magic bytes, not the name.

    Refuses (InputError, line 1) a path that is no readable file and the formats above.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    _refuse_other_formats(path, head, False)
    if head.startswith(_GZIP_MAGIC):
        stream = gzip.open(path, "rb")  # noqa: SIM115 - returned open, the caller closes it
        try:
            inner = stream.peek(8)[:8]  # type: ignore[attr-defined]
        except READ_ERRORS as exc:
            stream.close()
            raise InputError(f"{path}: line 1: not a readable gzip file: {_describe(exc)}") from None
        _refuse_other_formats(path, inner, True)
        return stream  # type: ignore[return-value]
    return path.open("rb")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the compressed data end early (truncated file)"
    text = str(exc).strip() or type(exc).__name__
    return f"corrupt compressed data ({text})"


def csv_fields(text: str) -> list[str]:
    """The fields of one CSV line (quotes honoured)."""
    return next(csv.reader([text]), [])


def iter_lines(
    path: Path, header: list[str] | None = None, bad: list[tuple[int, str | None, str, str]] | None = None
) -> Iterator[tuple[int, str]]:
    """(line number, decoded text with its line ending) of every physical line; line 1 first
    (a byte-order mark is left on line 1 for the header reader to drop).

    A line that is not UTF-8 or holds a NUL byte is an InputError naming that line (and,
    given the ``header``, the column of the bad byte); given a ``bad`` list, such a line is
    recorded there instead (line, column, reason, text) and read as a blank line. A gzip
    stream that breaks is always an InputError naming the first line it could not deliver.
    """
    line_no = 0
    with open_binary(path) as raw:
        while True:
            try:
                data = raw.readline()
            except READ_ERRORS as exc:
                raise InputError(f"{path}: line {line_no + 1}: {_describe(exc)}") from None
            if not data:
                return
            line_no += 1
            try:
                text = data.decode("utf-8")
                problem = None
                if "\x00" in text:
                    prefix = text[: text.index("\x00")]
                    problem = (prefix, "NUL byte (binary data, not CSV text)")
            except UnicodeDecodeError as exc:
                prefix = data[: exc.start].decode("utf-8", "replace")
                reason = (
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x} at position {len(prefix) + 1}); "
                    "save the file as UTF-8"
                )
                problem = (prefix, reason)
                text = data.decode("utf-8", "replace")
            if problem is not None:
                column = _column_name(problem[0], header)
                if bad is None or line_no == 1:
                    where = f", column {column}" if column else ""
                    raise InputError(f"{path}: line {line_no}{where}: {problem[1]}")
                bad.append((line_no, column, problem[1], text.rstrip("\r\n").replace("\x00", "\\0")))
                text = "\n"
            yield line_no, text


def _column_name(prefix: str, header: list[str] | None) -> str | None:
    """The header name of the field a line's ``prefix`` ends in (None without a header)."""
    if not header:
        return None
    index = max(len(csv_fields(prefix)) - 1, 0)
    return header[index] if index < len(header) else None


def read_header(path: Path) -> list[str]:
    """The column names on line 1 (a UTF-8 byte-order mark is dropped), exactly as written."""
    for _line_no, text in iter_lines(path):
        bom = text.startswith(_BOM)
        text = text.removeprefix(_BOM)
        if not text.strip():
            what = "only a byte-order mark" if bom and not text.strip("\r\n") else "a blank first line"
            raise InputError(f"{path}: line 1: no header line ({what})")
        names = csv_fields(text.rstrip("\r\n"))
        for name in names:
            # Refused, not trimmed: a name is matched exactly (layouts, mappings), and a padded
            # header is the mark of a hand-edited export whose values may be padded too.
            if name != name.strip():
                raise InputError(
                    f"{path}: line 1, column {name!r}: a space at either end of a column name "
                    f"(names are matched exactly: write {name.strip()!r})"
                )
        return names
    raise InputError(f"{path}: line 1: empty file, expected a header line")


def iter_chunks(path: Path) -> Iterator[bytes]:
    """The uncompressed file in blocks of about 1 MiB (header included).

    A damaged gzip stream raises one of ``READ_ERRORS`` mid-way; the loader then reads the
    file again with ``iter_records`` to name the line.
    """
    with open_binary(path) as raw:
        while block := raw.read(CHUNK):
            yield block


def iter_records(
    path: Path, header: list[str] | None = None, bad: list[tuple[int, str | None, str, str]] | None = None
) -> Iterator[tuple[int, list[str], str]]:
    """(line number, fields, raw line) for every record after the header; line 1 is the header.

    The line number is where the record starts (a quoted field may span lines). Blank lines
    carry no record and are skipped; unreadable lines go to ``bad`` (see ``iter_lines``).
    """
    lines = iter_lines(path, header, bad)
    next(lines, None)  # the header
    numbered = _Numbered(lines)
    reader = csv.reader(numbered, strict=True)
    while True:
        start = numbered.line_no + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = "a quoted field opened here never closes" if "end of data" in str(exc) else str(exc)
            raise InputError(f"{path}: line {start}: malformed CSV: {why}") from None
        if not fields:
            continue
        yield start, fields, ",".join(fields)


class _Numbered:
    """An iterator of line texts for csv.reader that remembers the last line number it gave."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self._lines = lines
        self.line_no = 1

    def __iter__(self) -> _Numbered:
        return self

    def __next__(self) -> str:
        self.line_no, text = next(self._lines)
        return text
