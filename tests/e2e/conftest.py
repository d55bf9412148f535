"""Fixtures of the end-to-end tests that are expensive enough to make once per session."""

from __future__ import annotations

import pytest

from support import install


@pytest.fixture(scope="session")
def fresh_install(tmp_path_factory: pytest.TempPathFactory) -> install.FreshInstall:
    """A clone of the checkout with ``make venv`` run in it (the tests using it share one worker)."""
    return install.fresh_install(tmp_path_factory.mktemp("fresh-install"))
