"""Phase timings of one piece of work, kept only while a caller records them (benchmarks).

The code being timed marks the end of each phase with ``lap("name")``: the time since the
previous lap (or since recording started) is added to that name. Outside ``recording()`` a lap
costs one context-variable lookup and records nothing, so the loaders keep their laps in
production. A recording measures with any number of clocks: wall time always, and whatever
else the caller passes (the bench adds its process's CPU time and the database server's).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["Recording", "recording", "lap"]

Clock = Callable[[], float]


@dataclass
class Recording:
    """Seconds per phase and clock: ``laps[phase][clock]``, phases in the order first met."""

    clocks: dict[str, Clock]
    laps: dict[str, dict[str, float]] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)

    def read(self) -> dict[str, float]:
        return {name: clock() for name, clock in self.clocks.items()}

    def lap(self, phase: str) -> None:
        now = self.read()
        spent = self.laps.setdefault(phase, dict.fromkeys(self.clocks, 0.0))
        for name, value in now.items():
            spent[name] += value - self._last[name]
        self._last = now


_current: ContextVar[Recording | None] = ContextVar("planfact_stopwatch", default=None)


@contextmanager
def recording(clocks: dict[str, Clock] | None = None) -> Iterator[Recording]:
    """Record the laps of the block; ``clocks`` beside the wall clock (named ``wall``)."""
    found = Recording({"wall": time.perf_counter, **(clocks or {})})
    found._last = found.read()
    outer = _current.set(found)  # the recording around this one (restored after)
    try:
        yield found
    finally:
        _current.reset(outer)


def lap(phase: str) -> None:
    """End a phase: the time since the last lap goes to ``phase`` (when a recording runs)."""
    found = _current.get()
    if found is not None:
        found.lap(phase)
