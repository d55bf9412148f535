"""What a load did: its result and the one line (per file set) it prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planfact.actuals.apply import Applied
from planfact.actuals.layouts import Kind
from planfact.actuals.staging import SourceFile, StagedFile

__all__ = ["LoadResult", "names", "nothing_message", "loaded_message"]


@dataclass(frozen=True)
class LoadResult:
    """What a load did; ``version_id`` is None when it created no version (for a file already
    loaded: the version that loaded it)."""

    version_id: int | None
    already_loaded: bool
    inserted: int
    restated: int
    unchanged: int
    rejected: int
    period_start: date | None
    period_end: date | None
    message: str
    layout: str = ""
    rows_in_file: int = 0
    new_stores: int = 0
    new_groups: int = 0
    new_series: int = 0
    files: tuple[str, ...] = ()


def names(staged: list[StagedFile]) -> str:
    names = [s.source.path.name for s in staged]
    return (
        names[0]
        if len(names) == 1
        else f"{names[0]} + {len(names) - 1} more file{'s' if len(names) > 2 else ''}"
    )


def nothing_message(staged: list[StagedFile], pending: list[tuple[SourceFile, int | None]]) -> str:
    rows = sum(s.rows for s in staged)
    rejected = sum(s.rejected for s in staged)
    refused = f" ({rejected} rows refused, kept in core.rejected_row)" if rejected else ""
    before = [v for _s, v in pending if v is not None]
    if len(staged) == 1 and before:
        name = staged[0].source.path.name
        return f"{name}: already loaded as version {before[0]} (it still matches the current data)"
    return (
        f"{', '.join(s.source.path.name for s in staged)}: nothing changed, all {rows} rows equal the "
        f"current data; no version created{refused}"
    )


def loaded_message(
    kind: Kind,
    staged: list[StagedFile],
    pending: list[tuple[SourceFile, int | None]],
    applied: Applied,
) -> str:
    what = "plan rows" if kind == "plan" else "rows"
    names = ", ".join(s.source.path.name for s in staged)
    layouts = ",".join(dict.fromkeys(s.source.layout.name for s in staged))
    files = f"{len(staged)} files, " if len(staged) > 1 else ""
    rejected = sum(s.rejected for s in staged)
    parts = [
        f"{names}: loaded as version {applied.version_id} ({files}{layouts}, {applied.period_start} .. "
        f"{applied.period_end}): {applied.inserted} new, {applied.restated} restated, {applied.unchanged} "
        f"unchanged {what}"
    ]
    if rejected:
        parts.append(f"{rejected} rejected (see core.rejected_row)")
    if applied.new_stores or applied.new_groups:
        parts.append(f"created {applied.new_stores} store(s) and {applied.new_groups} product group(s)")
    if applied.new_series:
        parts.append(f"{applied.new_series} new series")
    overridden = sum(s.rows for s in staged) - applied.rows
    if overridden:
        parts.append(f"{overridden} rows of an earlier file of the set replaced by a later file's")
    for source, previous in pending:
        if previous is not None:
            parts.append(
                f"{source.path.name} was loaded before as version {previous} and differs from the "
                "current data: applied again"
            )
    return "; ".join(parts)
