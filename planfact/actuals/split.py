"""Cut a full history into monthly files, to replay it month by month.

For every calendar month of the file: ``actuals_YYYY-MM.csv.gz`` (same layout, same header,
the month's lines in file order) and ``plan_YYYY-MM.csv.gz`` (the same lines without the
sales columns: the known flags of the month, loadable with ``planfact load plan`` before the
month's actuals exist). Files are gzip with a zero timestamp, so cutting the same history
twice gives byte-identical files (and a reload says "already loaded"). Each file is written
under a temporary name and renamed when the whole history is cut (``planfact.temporaries``): a
killed split never leaves a partial month under its final name, where a landing folder would
take it as arrived; the next split sweeps the temporaries it left.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from pathlib import Path

from planfact.actuals.dates import date_problem, parse_date
from planfact.actuals.layouts import SALES_COLUMNS
from planfact.actuals.loader import resolve_layout
from planfact.actuals.source import iter_records
from planfact.errors import InputError
from planfact.temporaries import remove_own_temporaries, sweep_temporaries, temporary_path

__all__ = ["split_months"]

_NAMES = ("actuals_", "plan_")

class _MonthFile:
    """A gzip CSV writer for one output file (written under its temporary name until ``publish``),
    keeping only the selected columns."""

    def __init__(self, path: Path, header: list[str], keep: list[int]) -> None:
        self.path = path
        self.temporary = temporary_path(path)
        self.keep = keep
        handle = self.temporary.open("wb")
        raw = gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0, compresslevel=6)
        self._raw = raw
        self._text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        self._writer = csv.writer(self._text, lineterminator="\n")
        self._writer.writerow([header[i] for i in keep])

    def write(self, fields: list[str]) -> None:
        self._writer.writerow([fields[i] for i in self.keep])

    def close(self) -> None:
        self._text.close()
        fileobj = self._raw.fileobj
        if fileobj is not None:
            fileobj.flush()  # type: ignore[union-attr]  # GzipFile over a file opened for writing
            os.fsync(fileobj.fileno())  # type: ignore[union-attr]  # (complete on disk before the rename)
            fileobj.close()  # type: ignore[union-attr]

    def publish(self) -> None:
        """Give the complete file its final name (atomic: same folder)."""
        os.replace(self.temporary, self.path)


def split_months(path: Path, out_dir: Path, *, mapping: Path | None = None) -> list[Path]:
    """Write one actuals and one plan file per calendar month of ``path``; return them sorted."""
    path, out_dir = Path(path), Path(out_dir)
    layout, header = resolve_layout(path, "actuals", None, mapping)
    date_index = header.index(layout.file_column("sale_date"))
    everything = list(range(len(header)))
    sales = {name for name, target in layout.columns.items() if target in SALES_COLUMNS}
    without_sales = [i for i, name in enumerate(header) if name not in sales]
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_temporaries(out_dir, _NAMES)  # (the leftovers of killed splits)
    files: dict[str, tuple[_MonthFile, _MonthFile]] = {}
    complete = False
    try:
        for line_no, fields, _raw in iter_records(path):
            if len(fields) != len(header):
                raise InputError(
                    f"{path}: line {line_no}: expected {len(header)} fields, found {len(fields)}"
                )
            day = parse_date(fields[date_index])
            if day is None:
                raise InputError(
                    f"{path}: line {line_no}, column {header[date_index]}: {date_problem(fields[date_index])}"
                )
            month = f"{day:%Y-%m}"
            pair = files.get(month)
            if pair is None:
                pair = (
                    _MonthFile(out_dir / f"actuals_{month}.csv.gz", header, everything),
                    _MonthFile(out_dir / f"plan_{month}.csv.gz", header, without_sales),
                )
                files[month] = pair
            pair[0].write(fields)
            pair[1].write(fields)
        complete = True
    finally:
        for actual, plan in files.values():
            actual.close()
            plan.close()
        if not complete:
            remove_own_temporaries(out_dir, _NAMES)
    for pair in files.values():
        for month_file in pair:
            month_file.publish()
    return sorted(p.path for pair in files.values() for p in pair)
