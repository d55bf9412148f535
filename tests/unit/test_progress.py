"""Progress bars say how far long work is and stay silent for short work (outsider test 1:
"global lgbm_global: 0it" flashed for 9 series)."""

from __future__ import annotations

import io
import sys
import time

import pytest

from forecasting import progress as progress_module
from forecasting.progress import progress


def _drawn(monkeypatch: pytest.MonkeyPatch, items: object, **kwargs: object) -> str:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    for _ in progress(items, desc="work", **kwargs):  # type: ignore[arg-type]
        time.sleep(0.01)
    return stream.getvalue()


def test_short_work_draws_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    assert progress_module.SHOW_AFTER >= 1
    assert _drawn(monkeypatch, [1, 2, 3]) == ""


def test_a_bar_counts_against_the_length_of_its_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "SHOW_AFTER", 0.0)
    drawn = _drawn(monkeypatch, [1, 2, 3])
    assert "0/3" in drawn and "0it" not in drawn
    assert "it [" in _drawn(monkeypatch, iter([1, 2]))  # no length: an open count
