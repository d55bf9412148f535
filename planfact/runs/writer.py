"""Write one shard's engine result to the forecast schema with COPY.

Everything here runs inside the caller's transaction (the shard transaction), so a
failure or a kill leaves none of the shard's rows behind. Grains written:
``forecast.model_version`` (one row per model specification, upserted),
``forecast.backtest_metric`` (run, series, model, fold, metric),
``forecast.selection`` (run, series) and ``forecast.forecast_value`` (run, series, day);
``forecast.series_flag`` (run, series, flag) and the run's ``warnings`` from the engine.
NaN metric values are stored as NULL ("undefined", e.g. no open day in a fold) so
that SQL aggregates skip them instead of turning into NaN.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.types.json import Jsonb

from forecasting.calendar import Calendar, MonthCalendar
from forecasting.digests import json_digest
from planfact.db.queries import statement
from planfact.errors import PlanfactError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["model_version_id", "model_version_ids", "check_result", "write_results"]

_FORECAST_TYPES = ["int8", "int4", "date", "text", "float8", "float8", "float8", "float8", "float8"]
_BACKTEST_TYPES = ["int8", "int4", "text", "int2", "text", "float8"]
_SELECTION_TYPES = ["int8", "int4", "text", "float8", "text"]
_FLAG_TYPES = ["int8", "int4", "text", "text"]
_BOUNDS = ("lo_80", "hi_80", "lo_95", "hi_95")


def model_version_id(name: str, params: Mapping[str, Any], library_versions: Mapping[str, Any]) -> str:
    """A *model version* (``forecast.model_version``): ``<model name>-<12 hex>``, a stable hash of
    the model, its parameters and library versions (a run's model-set version is another thing:
    ``configs.model_set_version``)."""
    spec = {"model": name, "params": params, "library_versions": library_versions}
    return f"{name}-{json_digest(spec, length=12)}"


def model_version_ids(models: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Engine model_key -> model_version_id for every model the engine reports."""
    return {
        key: model_version_id(_name(info), info.get("params", {}), info.get("library_versions", {}))
        for key, info in models.items()
    }


def _name(info: Mapping[str, Any]) -> str:
    return str(info.get("name") or info.get("model") or "model")


def _clean(values: Iterable[Any]) -> list[Any]:
    """Python floats with NaN/None as None (NULL)."""
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


def check_result(result: Any, month: dt.date, calendar: Calendar | None = None) -> None:
    """Refuse a result that must not become a plan: every selected series needs one
    finite, non-negative forecast for each day of ``month`` (a period of ``calendar``,
    calendar months by default) and known models."""
    forecasts, selection = result.forecasts, result.selection
    period = (calendar if calendar is not None else MonthCalendar()).period_of(month)
    days = period.days
    unknown = (set(forecasts["model_key"]) | set(selection["model_key"])) - set(result.models)
    if unknown:
        raise PlanfactError(f"engine returned model keys without a model description: {sorted(unknown)[:5]}")
    first, last = forecasts["ds"].min(), forecasts["ds"].max()
    if len(forecasts) and (first.date() < month or last.date() > period.end):
        raise PlanfactError(f"engine forecast days {first.date()}..{last.date()} fall outside {month:%Y-%m}")
    per_series = forecasts.groupby("series_id")["ds"].nunique()
    short = per_series[per_series != days]
    if len(short):
        raise PlanfactError(
            f"engine forecast {len(short)} series without all {days} days of {month:%Y-%m} "
            f"(e.g. series {int(short.index[0])}: {int(short.iloc[0])} days)"
        )
    missing = set(selection["series_id"]) - set(per_series.index)
    if missing:
        raise PlanfactError(f"{len(missing)} selected series have no forecast (e.g. {sorted(missing)[:5]})")
    mean = forecasts["mean"].to_numpy(dtype=float)
    if not (mean == mean).all() or (mean < 0).any() or not (abs(mean) < float("inf")).all():
        raise PlanfactError("engine returned a NaN, infinite or negative point forecast")


def _model_rows(models: Mapping[str, Mapping[str, Any]], ids: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "model_version_id": ids[key],
            "model_name": _name(info),
            "params": Jsonb(json.loads(json.dumps(info.get("params", {}), default=str))),
            "library_versions": Jsonb(json.loads(json.dumps(info.get("library_versions", {}), default=str))),
        }
        for key, info in models.items()
    ]


def _copy_rows(cur: psycopg.Cursor, name: str, types: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with cur.copy(statement(name)) as copy:  # type: ignore[arg-type]
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _mapped(frame: pd.DataFrame, ids: Mapping[str, str]) -> list[str]:
    return [ids[k] for k in frame["model_key"].tolist()]


def write_results(conn: psycopg.Connection, run_id: int, result: Any) -> dict[str, Any]:
    """Write models, evidence, selection and forecasts of one shard; return row counts
    per table and ``seconds`` per table.

    Call inside an open transaction: the shard's rows become visible together or not at all.
    """
    ids = model_version_ids(result.models)
    seconds: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(table: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        seconds[table] = round(now - mark, 4)
        mark = now

    with conn.cursor() as cur:
        cur.executemany(statement("runs/insert_model_version"), _model_rows(result.models, ids))
        lap("model_version")
        back = result.backtest
        backtest_rows = zip(
            [run_id] * len(back), back["series_id"].astype("int64").tolist(), _mapped(back, ids),
            back["fold"].astype("int64").tolist(), back["metric"].astype(str).tolist(),
            _clean(back["value"].tolist()), strict=True,
        )
        n_back = _copy_rows(cur, "runs/copy_backtest_metric", _BACKTEST_TYPES, backtest_rows)
        lap("backtest_metric")
        sel = result.selection
        selection_rows = zip(
            [run_id] * len(sel), sel["series_id"].astype("int64").tolist(), _mapped(sel, ids),
            _clean(sel["score"].tolist()), sel["reason"].astype(str).tolist(), strict=True,
        )
        n_sel = _copy_rows(cur, "runs/copy_selection", _SELECTION_TYPES, selection_rows)
        lap("selection")
        fc = result.forecasts
        bounds = [_clean(fc[c].tolist()) if c in fc else [None] * len(fc) for c in _BOUNDS]
        forecast_rows = zip(
            [run_id] * len(fc), fc["series_id"].astype("int64").tolist(), fc["ds"].dt.date.tolist(),
            _mapped(fc, ids), fc["mean"].astype(float).tolist(), *bounds, strict=True,
        )
        n_fc = _copy_rows(cur, "runs/copy_forecast_value", _FORECAST_TYPES, forecast_rows)
        lap("forecast_value")
        flags = getattr(result, "flags", None)
        flag_rows = [] if flags is None or flags.empty else zip(
            [run_id] * len(flags), flags["series_id"].astype("int64").tolist(),
            flags["flag"].astype(str).tolist(), flags["reason"].astype(str).tolist(), strict=True,
        )
        n_flags = _copy_rows(cur, "runs/copy_series_flag", _FLAG_TYPES, flag_rows)
        lap("series_flag")
    return {"models": len(ids), "backtest_metric": n_back, "selection": n_sel, "forecast_value": n_fc,
            "series_flag": n_flags, "seconds": seconds}
