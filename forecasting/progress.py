"""Progress bars for long work: quiet redraws off a terminal (Airflow logs, CI)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

from tqdm import tqdm

__all__ = ["progress", "progress_bar", "SHOW_AFTER"]

T = TypeVar("T")


SHOW_AFTER = 2.0  # seconds: work that ends sooner never draws a bar (no "0it" flash for 9 series)


def progress_bar(*, desc: str, total: int | None = None, enabled: bool = True) -> tqdm:
    """A progress bar on stderr, drawn only once the work has taken ``SHOW_AFTER`` seconds;
    off a terminal (Airflow logs, CI) it redraws every 10 s at most."""
    interactive = sys.stderr.isatty()
    return tqdm(
        desc=desc,
        total=total,
        disable=not enabled,
        mininterval=0.2 if interactive else 10.0,
        delay=SHOW_AFTER,
        file=sys.stderr,
        leave=interactive,
    )


def progress(items: Iterable[T], *, desc: str, total: int | None = None, enabled: bool = True) -> Iterator[T]:
    """Iterate with a progress bar (see ``progress_bar``); the total is the length of ``items``
    when it has one, so the bar counts "3/5", never an open-ended "0it"."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with progress_bar(desc=desc, total=total, enabled=enabled) as bar:
        for item in items:
            yield item
            bar.update(1)
