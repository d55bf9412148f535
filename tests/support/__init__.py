"""Helpers shared by the tests: paths of the checkout, generated data, subprocess runners."""

from pathlib import Path

__all__ = ["ROOT", "FIXTURES", "SHARED_DATA"]

# The checkout the tests run from (tests are the one place allowed to know it).
ROOT = Path(__file__).resolve().parents[2]
# Data files of the tests (experiments TOML, a custom metric module).
FIXTURES = ROOT / "tests" / "fixtures"
# Licensed real data beside the checkout (never committed); tests skip when it is absent.
SHARED_DATA = ROOT.parent / "shared" / "data"
