"""Render a ReportData into its files: one writer per format, no database, no registry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reports.model import ReportData

__all__ = ["FORMATS", "check_formats", "report_path", "render_files"]

FORMATS = ("xlsx", "html")


def report_path(out_dir: Path, month: date, fmt: str) -> Path:
    """``<out_dir>/plan_fact_YYYY-MM.<fmt>``."""
    return out_dir / f"plan_fact_{month:%Y-%m}.{fmt}"


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The chosen formats, deduplicated and lower-cased; ValueError naming an unknown one."""
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(
            f"bad report format {', '.join(unknown) or '(none)'}: choose from {', '.join(FORMATS)}"
        )
    return chosen


def render_files(
    data: ReportData, out_dir: Path, formats: Sequence[str] = FORMATS, *, suffix: str = ""
) -> list[Path]:
    """Write the report of ``data`` in each format (file name + ``suffix``); no database."""
    from reports.excel import write_workbook
    from reports.html import write_html

    writers = {"xlsx": write_workbook, "html": write_html}
    paths = []
    for fmt in check_formats(formats):
        target = report_path(out_dir, data.month, fmt)
        paths.append(writers[fmt](data, target.with_name(target.name + suffix)))
    return paths
