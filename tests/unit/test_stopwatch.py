"""planfact.stopwatch: laps are kept only inside a recording, per phase and clock, in order."""

from __future__ import annotations

from planfact.stopwatch import lap, recording


def test_laps_outside_a_recording_record_nothing() -> None:
    lap("nothing")  # no recording: no error, nothing kept
    with recording() as found:
        pass
    assert found.laps == {}


def test_each_lap_gets_the_time_since_the_previous_one_on_every_clock() -> None:
    ticks = iter([0.0, 1.0, 3.0, 6.0])  # start, then one reading per lap
    with recording({"steps": lambda: next(ticks)}) as found:
        lap("parse")
        lap("copy")
        lap("parse")  # a phase met again adds up
    assert list(found.laps) == ["parse", "copy"]
    assert found.laps["parse"]["steps"] == 1.0 + 3.0
    assert found.laps["copy"]["steps"] == 2.0
    assert set(found.laps["copy"]) == {"wall", "steps"} and found.laps["copy"]["wall"] >= 0
    lap("after")  # the recording has ended
    assert "after" not in found.laps
