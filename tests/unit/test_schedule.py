"""How `make test` shares the session between xdist workers (tests/support/schedule.py)."""

from __future__ import annotations

from pathlib import Path

from support import ROOT
from support.schedule import longest_first, unit_of


def test_a_module_with_a_module_fixture_is_one_unit() -> None:
    # tests/unit/test_dag.py parses the DAG once per module: its tests must share a worker.
    ids = ["tests/unit/test_dag.py::test_task_graph",
           "tests/unit/test_dag.py::test_dag_file_only_wires_tasks"]
    assert {unit_of(i, ROOT) for i in ids} == {(ROOT / "tests/unit/test_dag.py").as_posix()}


def test_modules_naming_one_xdist_group_are_one_unit() -> None:
    # The install test and the wheel test share the session's one fresh install.
    assert unit_of("tests/e2e/test_install.py::test_x", ROOT) == "fresh_install"
    assert unit_of("tests/e2e/test_wheel.py::test_y", ROOT) == "fresh_install"


def test_independent_tests_are_units_of_their_own(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("import pytest\n\n@pytest.fixture\ndef x():\n    return 1\n")
    assert unit_of("test_plain.py::test_a", tmp_path) == "test_plain.py::test_a"
    (tmp_path / "test_class.py").write_text('import pytest\n\n@pytest.fixture(scope="class")\ndef x(): ...\n')
    assert unit_of("test_class.py::T::test_a", tmp_path) == (tmp_path / "test_class.py").as_posix()


def test_the_longest_unit_goes_first_and_a_unit_stays_together() -> None:
    seconds = {"a1": 1.0, "b": 5.0, "a2": 3.0, "c": 4.5, "d": 0.5}
    units = {"a1": "a", "a2": "a", "b": "b", "c": "c", "d": "d"}
    ordered = longest_first(list(seconds), unit=units.__getitem__, seconds=seconds.__getitem__)
    assert ordered == ["b", "c", "a1", "a2", "d"]  # b 5.0, c 4.5, a 4.0 (1.0 + 3.0), d 0.5
