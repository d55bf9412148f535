"""Small generated panels in the engine's input contract (the long frame of mart.export_training)."""

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["CUTOFF", "PATTERN", "make_panel", "born_before_target"]

CUTOFF = dt.date(2014, 5, 31)
PATTERN = np.array([1.2, 1.0, 0.9, 0.95, 1.1, 1.4, 0.0])


def make_panel(n_series: int = 6, seed: int = 0) -> pd.DataFrame:
    """The contract's long frame: 2013-01-01 .. 2014-06-30, y NaN after the cutoff."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2013-01-01", "2014-06-30", freq="D")
    dow = days.day_of_week.to_numpy()
    week = np.asarray((days - days[0]).days // 7)
    parts = []
    for sid in range(1, n_series + 1):
        promo = ((week + sid) % 2 == 0) & (dow < 5)
        holiday = rng.random(len(days)) < 0.02
        is_open = (PATTERN[dow] > 0) & ~holiday
        level = 1000 * (1 + sid / 3) * (1 + 0.1 * np.sin(np.arange(len(days)) / 58))
        y = level * PATTERN[dow] * np.where(promo, 1.35, 1.0) * rng.lognormal(0, 0.05, len(days))
        y = np.where(is_open, y, 0.0)
        y[days > pd.Timestamp(CUTOFF)] = np.nan
        parts.append(pd.DataFrame({
            "series_id": sid, "ds": days, "y": y, "promo": promo.astype(float),
            "is_open": is_open.astype(int), "is_holiday": holiday.astype(int),
            "school_holiday": 0, "store_id": str(sid), "group_id": "all",
            "store_type": "a" if sid % 2 else "b",
        }))
    return pd.concat(parts, ignore_index=True)


def born_before_target(days: dict[int, int], seed: int = 1) -> pd.DataFrame:
    """New series: ``{series_id: days of history before the target month}``, each a series
    of :func:`make_panel` cut to start that many days before the target month."""
    extra = make_panel(max(days), seed=seed)
    parts = []
    for sid, history in days.items():
        s = extra[extra["series_id"] == sid]
        parts.append(s[s["ds"] > pd.Timestamp(CUTOFF) - pd.Timedelta(days=history)])
    return pd.concat(parts, ignore_index=True)
