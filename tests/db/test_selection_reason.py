"""The champion-challenger rule in a real run: its reason per series is kept in the registry
(forecast.selection.reason) and the run reproduces from its recorded configuration."""

from __future__ import annotations

from pathlib import Path

import psycopg

from planfact.config import Settings
from planfact.runs import reproduce_run, run_month
from support.run_data import EXPERIMENTS, STORES, load_two_versions


def test_the_challenger_rule_records_why_and_reproduces(
    settings: Settings, conn: psycopg.Connection, tmp_path: Path
) -> None:
    load_two_versions(conn, tmp_path)
    experiments = tmp_path / "challenger.toml"
    experiments.write_text(EXPERIMENTS.read_text().replace(
        'fallback = "profile"',
        'fallback = "profile"\nincumbent = "seasonal_naive"\nchallenger_margin = 0.02'))
    outcome = run_month(settings, "2015-07", experiments=experiments, kind="experiment",
                        progress=False)
    assert outcome.status == "succeeded"
    rows = conn.execute(
        "select mv.model_name, s.reason from forecast.selection s "
        "join forecast.model_version mv using (model_version_id) where s.run_id = %s",
        (outcome.run_id,)).fetchall()
    assert len(rows) == STORES
    for name, reason in rows:
        if name == "seasonal_naive":  # kept: no challenger won both folds by 2 %
            assert reason.startswith("incumbent seasonal_naive kept"), reason
        else:  # the profile won every fold by the margin
            assert name == "profile" and reason.startswith(
                "challenger profile replaced the incumbent seasonal_naive: better by >= 2% in "
                "all 2 folds"), reason
    result = reproduce_run(settings, outcome.run_id, progress=False)
    assert result.matches, str(result)
