"""Evaluation of one series across the periods: combinations, intervals, fold metrics in order.

The engine collects every candidate's fold forecasts per ``(model_key, period)``
(:mod:`forecasting.fitting`); :func:`evaluate_series` walks the periods oldest first and,
for each, assembles the combinations (:mod:`forecasting.combinations`, members ranked by
:mod:`forecasting.ranking` on earlier folds), gives every output its intervals
(:mod:`forecasting.intervals`) and scores it (:mod:`forecasting.scoring`). The order
matters: what a period learns (losses, residuals) serves only the periods after it.
:func:`candidate_frames` returns every candidate's forecasts when asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.combinations import combination_output, combination_pool
from forecasting.experiments import Candidate, ExperimentConfig
from forecasting.fitting import EPOCH, Output, Period
from forecasting.intervals import fold_residuals, with_intervals
from forecasting.models import MODELS
from forecasting.models.base import OPEN
from forecasting.ranking import member_scores
from forecasting.scoring import fold_metrics

__all__ = ["evaluate_series", "candidate_frames", "Output", "EPOCH"]

Outputs = dict[tuple[str, int], Output]


def evaluate_series(series_id: int, y: np.ndarray, X: np.ndarray, outputs: Outputs,
                    config: ExperimentConfig, periods: Sequence[Period], final_no: int,
                    combos: Sequence[Candidate]) -> list[tuple]:
    """Evidence rows ``(series_id, model_key, fold, metric, value)`` of one series.

    ``y`` ``(n,)`` and ``X`` ``(n, len(EXOG))`` are the series' days (``X[:, 0]`` the day
    number); ``outputs`` is completed in place with combinations and intervals.
    """
    t0 = int(X[0, 0])
    rows: list[tuple] = []
    residuals: dict[str, list[np.ndarray]] = defaultdict(list)
    losses: dict[str, list[float]] = defaultdict(list)  # primary loss per earlier fold
    base = [c for c in config.candidates if c not in combos]
    primary = config.metrics.get(config.selection.primary)
    for p in periods:
        a, b = p.start - t0, p.end - t0 + 1
        # A series that starts inside this period's month (a new store) is evaluated on the
        # folds it has: what a global model said for part of the month is dropped.
        for k in [k for k in outputs if k[1] == p.number and (a < 0 or len(
                outputs[k]["mean"]) != b - a)]:
            del outputs[k]
        if a < 0:
            continue
        y_test, is_open = y[a:b], X[a:b, OPEN]
        closed = is_open <= 0
        lo = 0 if p.train_start is None else max(0, p.train_start - t0)
        y_train = y[lo : p.cutoff - t0 + 1]
        available = {key for key, number in outputs if number == p.number}
        for combo in combos:
            model = combo.build()
            ranked = combination_pool(model, base, available)
            if ranked is None or (not model.members and not losses):
                continue  # no members, or first fold: nothing earlier to rank on
            members = [outputs[(c.key, p.number)] for c in ranked]
            scores = member_scores(losses, [c.key for c in ranked])
            outputs[(combo.key, p.number)] = combination_output(model, members, scores,
                                                                config.levels)
            available.add(combo.key)
        for cand in config.candidates:
            if (cand.key, p.number) not in outputs:
                continue
            out = with_intervals(outputs[(cand.key, p.number)],
                                 MODELS[cand.model].native_intervals, residuals[cand.key],
                                 closed, config.levels)
            outputs[(cand.key, p.number)] = out
            if p.number == final_no:
                continue
            values = fold_metrics(y_test, out, closed, y_train, config.metrics)
            rows += [(series_id, cand.key, p.number, name, value) for name, value in values.items()]
            if primary is not None:
                # Combination members are ranked on the primary metric of earlier folds.
                losses[cand.key].append(primary.loss(values[config.selection.primary]))
            residuals[cand.key].append(fold_residuals(y_test, out, is_open))
    return rows


def candidate_frames(per_series, final_no, t_of, levels, keep):  # type: ignore[no-untyped-def]
    """Long frames of candidate final forecasts and fold forecasts (only when ``keep``)."""
    if not keep:
        return None, None
    cols: dict[bool, dict[str, list]] = {True: defaultdict(list), False: defaultdict(list)}
    for series_id, y, X, outputs in per_series:
        t0 = int(X[0, 0])
        for (key, number), out in outputs.items():
            p, is_final = t_of[number], number == final_no
            h = p.end - p.start + 1
            c = cols[is_final]
            c["series_id"].append(np.full(h, series_id))
            c["ds"].append(np.arange(p.start, p.end + 1))
            c["model_key"].append(np.full(h, key, dtype=object))
            c["fold"].append(np.full(h, number))
            c["y"].append(y[p.start - t0 : p.end - t0 + 1])
            for name in ("mean", *(f"{s}-{lv}" for s in ("lo", "hi") for lv in levels)):
                c[name.replace("-", "_")].append(out.get(name, np.full(h, np.nan)))
    frames: list[pd.DataFrame | None] = []
    for is_final in (True, False):
        c = cols[is_final]
        if not c:
            frames.append(None)
            continue
        df = pd.DataFrame({k: np.concatenate(v) for k, v in c.items()})
        df["ds"] = (EPOCH + df["ds"].to_numpy()).astype("datetime64[ns]")
        frames.append(df.drop(columns=["fold", "y"]) if is_final else df)
    return frames[0], frames[1]
