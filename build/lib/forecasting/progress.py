"""Progress bars for long work: quiet redraws off a terminal (Airflow logs, CI)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

__all__ = ["progress", "progress_bar"]

T = TypeVar("T")


def progress_bar(*, desc: str, total: int | None = None, enabled: bool = True) -> tqdm:
    """A progress bar on stderr; off a terminal (Airflow logs, CI) it redraws every 10 s at most."""
    interactive = sys.stderr.isatty()
    return tqdm(
        desc=desc,
        total=total,
        disable=not enabled,
        mininterval=0.2 if interactive else 10.0,
        file=sys.stderr,
        leave=interactive,
    )


def progress(items: Iterable[T], *, desc: str, total: int | None = None, enabled: bool = True) -> Iterator[T]:
    """Iterate with a progress bar (see ``progress_bar``)."""
    with progress_bar(desc=desc, total=total, enabled=enabled) as bar:
        for item in items:
            yield item
            bar.update(1)
