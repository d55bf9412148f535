"""The export data mart: refresh its materialized views and run its data tests."""

from planfact.mart.datatests import (
    DataTest,
    DataTestFailure,
    DataTestResult,
    check_mart,
    evaluate_data_tests,
    load_data_tests,
    run_data_tests,
)
from planfact.mart.refresh import MATERIALIZED_VIEWS, refresh_mart

__all__ = [
    "MATERIALIZED_VIEWS",
    "DataTest",
    "DataTestFailure",
    "DataTestResult",
    "check_mart",
    "evaluate_data_tests",
    "load_data_tests",
    "refresh_mart",
    "run_data_tests",
]
