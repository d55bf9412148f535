"""Recompute a past run from what the registry recorded and compare every forecast value.

Inputs come only from the registry: the run's data version (read back exactly through
``mart.export_training``), its stored config and its cutoff. Values match when
``|stored - recomputed| <= 1e-9 * max(1, |stored|)`` (binary COPY stores float8
exactly, so on the same library versions they are equal); the chosen model of every
series-day must be the same model version. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from planfact.config import Settings
from planfact.db.connect import connect
from planfact.db.queries import fetch_frame
from planfact.db.server import resolve_url
from planfact.errors import PlanfactError
from planfact.runs.configs import config_from_record, config_record, config_sha256, runtime_versions
from planfact.runs.reader import read_training
from planfact.runs.record import RunRecord, get_run
from planfact.runs.registry import code_version
from planfact.runs.writer import model_version_ids

__all__ = ["TOLERANCE", "ReproduceResult", "reproduce_run"]

TOLERANCE = 1e-9
_VALUES = ("yhat", "lo_80", "hi_80", "lo_95", "hi_95")


@dataclass(frozen=True)
class ReproduceResult:
    """Outcome of comparing a run's stored forecasts with a recomputation (grain: series-day)."""

    run_id: int
    compared: int
    mismatches: int
    model_mismatches: int
    missing: int
    max_abs_diff: float
    samples: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        """True when every forecast value and chosen model is reproduced."""
        return self.mismatches == 0 and self.missing == 0 and self.compared > 0

    def __str__(self) -> str:
        verdict = "reproduced exactly" if self.matches else "DOES NOT reproduce"
        lines = [f"run {self.run_id} {verdict}: {self.compared:,} series-days compared, "
                 f"{self.mismatches:,} differ ({self.model_mismatches:,} in the chosen model), "
                 f"{self.missing:,} present on one side only, largest difference {self.max_abs_diff:.3g}"]
        lines += [f"  {s}" for s in self.samples]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _warnings(run: RunRecord, config: Any) -> list[str]:
    out = []
    if config_sha256(config_record(config)) != run.config_sha256:
        out.append("the rebuilt config's sha256 differs from the recorded one")
    recorded = (run.params or {}).get("versions", {})
    now = runtime_versions()
    changed = [f"{k} {recorded[k]} -> {now.get(k, 'absent')}" for k in sorted(recorded)
               if recorded[k] != now.get(k)]
    if changed:
        out.append("library versions changed since the run: " + ", ".join(changed))
    if run.code_version != code_version():
        out.append(f"code version changed: {run.code_version} -> {code_version()}")
    return out


def _compare(stored: Any, recomputed: Any, run_id: int, warnings: list[str]) -> ReproduceResult:
    import numpy as np
    import pandas as pd

    merged = stored.merge(recomputed, on=["series_id", "forecast_date"], how="outer",
                          suffixes=("_stored", "_new"), indicator=True)
    both = merged["_merge"] == "both"
    bad = np.zeros(len(merged), dtype=bool)
    largest = 0.0
    for column in _VALUES:
        a = pd.to_numeric(merged[f"{column}_stored"], errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(merged[f"{column}_new"], errors="coerce").to_numpy(dtype=float)
        same_nan = np.isnan(a) & np.isnan(b)
        diff = np.where(same_nan, 0.0, np.abs(a - b))
        diff = np.where(np.isnan(diff), np.inf, diff)
        bad |= diff > TOLERANCE * np.maximum(1.0, np.nan_to_num(np.abs(a)))
        if both.any():
            largest = max(largest, float(diff[both.to_numpy()].max()))
    model_bad = (merged["model_version_id_stored"] != merged["model_version_id_new"]).to_numpy() & both
    bad = (bad | model_bad) & both.to_numpy()
    samples = []
    for row in merged[bad].head(5).itertuples(index=False):
        samples.append(f"series {row.series_id} {row.forecast_date}: yhat {row.yhat_stored!r} vs "
                       f"{row.yhat_new!r}, model {row.model_version_id_stored} vs {row.model_version_id_new}")
    return ReproduceResult(run_id, int(both.sum()), int(bad.sum()), int(model_bad.sum()),
                           int((~both).sum()), largest, samples, warnings)


def reproduce_run(settings: Settings, run_id: int, *, progress: bool = True) -> ReproduceResult:
    """Recompute run ``run_id`` and compare (see the module docstring)."""
    import pandas as pd

    from forecasting.engine import run_engine
    from planfact.calendars import installation_calendar

    with connect(resolve_url(settings)) as conn:
        with conn.transaction():
            run = get_run(conn, run_id)
        if run.status != "succeeded":
            raise PlanfactError(f"run {run_id} is {run.status}: only a succeeded run can be reproduced")
        config = config_from_record(run.config)
        warnings = _warnings(run, config)
        with conn.transaction():
            frame = read_training(conn, run.data_version, run.cutoff, run.run_id)
            stored = _stored(conn, run_id)
    result = run_engine(frame, run.cutoff, config, shard=(1, 1), workers=settings.workers, progress=progress,
                        calendar=installation_calendar(settings))
    ids = model_version_ids(result.models)
    fc = result.forecasts
    recomputed = pd.DataFrame({
        "series_id": fc["series_id"].astype("int64"),
        "forecast_date": fc["ds"].dt.date,
        "model_version_id": fc["model_key"].map(ids),
        **{column: fc[source] if source in fc else float("nan")
           for column, source in zip(_VALUES, ("mean", *_VALUES[1:]), strict=True)},
    })
    return _compare(stored, recomputed, run_id, warnings)


def _stored(conn: psycopg.Connection, run_id: int) -> Any:
    frame = fetch_frame(conn, "runs/forecast_values", {"run_id": run_id})
    frame["series_id"] = frame["series_id"].astype("int64")
    return frame
