"""`make venv` on a fresh clone installs exactly the locked versions, so any two installs match.

The expected set is every pin of requirements.lock (exported from uv.lock with every extra;
tests/unit/test_lock.py checks the two agree) whose environment marker holds here: nothing
more, nothing less, no other version. The clone is the session's one fresh install
(tests/support/install.py), shared with the wheel test.
"""

from __future__ import annotations

import pytest

from support.install import FreshInstall, locked_for_this_platform

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fresh_install")]


def test_a_fresh_clone_installs_exactly_the_locked_versions(fresh_install: FreshInstall) -> None:
    locked = locked_for_this_platform(fresh_install.clone / "requirements.lock")
    assert len(locked) > 150
    missing = sorted(locked - fresh_install.frozen)
    extra = sorted(fresh_install.frozen - locked)
    assert not missing and not extra, (
        f"not installed: {missing[:10]}; not locked (or another version): {extra[:10]}"
    )
