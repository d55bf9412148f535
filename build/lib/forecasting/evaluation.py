"""Evaluation of one series' candidate outputs: combinations, conformal intervals, fold metrics.

Pure numpy on the outputs the engine collected per ``(model_key, period)``; the engine
calls :func:`evaluate_series` once per series and :func:`candidate_frames` to return
every candidate's forecasts when asked.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from forecasting.models import MODELS
from forecasting.models.base import OPEN
from forecasting.models.conformal import residuals_on_open_days, with_conformal_intervals

__all__ = ["evaluate_series", "candidate_frames", "Output", "EPOCH"]

EPOCH = np.datetime64("1970-01-01", "D")
Output = dict[str, np.ndarray]  # {"mean": (h,), "lo-80": (h,), ...}


def evaluate_series(series_id, y, X, outputs, config, periods, final_no, combos):  # type: ignore[no-untyped-def]
    """Evidence rows, combination outputs and conformal intervals for one series."""
    t0 = int(X[0, 0])
    rows: list[tuple] = []
    residuals: dict[str, list[np.ndarray]] = defaultdict(list)
    losses: dict[str, list[float]] = defaultdict(list)  # primary loss per earlier fold
    base = [c for c in config.candidates if c not in combos]
    for p in periods:
        a, b = p.start - t0, p.end - t0 + 1
        y_test, is_open = y[a:b], X[a:b, OPEN]
        closed = is_open <= 0
        lo = 0 if p.train_start is None else max(0, p.train_start - t0)
        y_train = y[lo : p.cutoff - t0 + 1]
        for combo in combos:
            model = combo.build()
            pool = [next((c for c in base if name in (c.experiment, c.label)), None)
                    for name in model.members] or base
            ranked = [c for c in pool if c is not None and (c.key, p.number) in outputs]
            if not ranked or (model.members and len(ranked) < len(model.members)):
                continue  # a fixed member failed: no combination for this period
            if not model.members and not losses:
                continue  # first fold: nothing earlier to rank on
            means = np.array([outputs[(c.key, p.number)]["mean"] for c in ranked])
            finite = [[v for v in losses[c.key] if np.isfinite(v)] for c in ranked]
            score = np.array([np.mean(v) if v else np.nan for v in finite])
            mean, members = model.mix(means, score)
            out: Output = {"mean": mean}
            for lv in config.levels:  # members' intervals until the combo has residuals
                for side in ("lo", "hi"):
                    parts = [outputs[(ranked[i].key, p.number)].get(f"{side}-{lv}") for i in members]
                    if all(v is not None for v in parts):
                        out[f"{side}-{lv}"] = np.mean(parts, axis=0)
            outputs[(combo.key, p.number)] = out
        for cand in config.candidates:
            if (cand.key, p.number) not in outputs:
                continue
            out = outputs[(cand.key, p.number)]
            if not MODELS[cand.model].native_intervals:
                out = with_conformal_intervals(out, residuals[cand.key], closed, config.levels)
                outputs[(cand.key, p.number)] = out
            if p.number == final_no:
                continue
            mask = ~closed
            intervals = {k: v[mask] for k, v in out.items() if k != "mean"}
            for name, spec in config.metrics.items():
                value = spec(y_test[mask], out["mean"][mask], intervals=intervals,
                             y_train=y_train)
                rows.append((series_id, cand.key, p.number, name, value))
                if name == config.selection.primary:
                    # Combination members are ranked on the primary metric of earlier folds.
                    losses[cand.key].append(spec.loss(value))
            residuals[cand.key].append(residuals_on_open_days(y_test, out["mean"], is_open))
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
