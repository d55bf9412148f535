"""Cold-start forecasts for series with too little history for any backtest fold.

A new store or product has no fold to be evaluated on, so no candidate can be chosen
for it on evidence. Its forecast is the weekday profile of all established series
(median over series of weekday mean / overall mean, open days of the last
:data:`WINDOW` days before the cutoff) scaled to the series' own level: the mean of
its open-day actuals over its last :data:`LEVEL_DAYS` days, each divided by that
day's profile. A series without any actual yet takes the median level of the
established series. Closed days are 0; no intervals (there are no residuals to
calibrate them). The profile uses every series of the frame, never one shard, so
sharded and unsharded runs agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ColdStartProfile", "cold_start_profile", "cold_start_forecast", "WINDOW",
           "LEVEL_DAYS", "MODEL_NAME", "DESCRIPTION"]

WINDOW = 91  # days of history that define the profile of established series
LEVEL_DAYS = 28  # days of a new series' own history that define its level
MIN_OPEN_DAYS = 28  # open days with actuals that make a series "established"
MODEL_NAME = "cold_start"
DESCRIPTION = (f"weekday profile of all series (last {WINDOW} days) x the series' mean open-day "
               f"level of its last {LEVEL_DAYS} days; median series level without actuals")


@dataclass(frozen=True)
class ColdStartProfile:
    """``weekday`` ``(7,)`` (Monday first, mean 1) and the median daily level of open days."""

    weekday: np.ndarray
    median_level: float


def cold_start_profile(frame: pd.DataFrame, cutoff: pd.Timestamp) -> ColdStartProfile:
    """The profile of the established series of ``frame`` (one row per series and day,
    columns series_id, ds, y, is_open) from the :data:`WINDOW` days up to ``cutoff``."""
    start = cutoff - pd.Timedelta(days=WINDOW - 1)
    part = frame.loc[(frame["ds"] >= start) & (frame["ds"] <= cutoff) & (frame["is_open"] > 0)
                     & frame["y"].notna(), ["series_id", "ds", "y"]]
    counts = part.groupby("series_id")["y"].transform("size")
    part = part[counts >= MIN_OPEN_DAYS]
    level = part.groupby("series_id")["y"].mean()
    level = level[level > 0]
    if level.empty:
        return ColdStartProfile(np.ones(7), 0.0)
    part = part[part["series_id"].isin(level.index)]
    dow = part["ds"].dt.day_of_week
    ratio = part.groupby([part["series_id"], dow])["y"].mean() / part["series_id"].map(
        level).groupby([part["series_id"], dow]).first()
    weekday = ratio.groupby(level=1).median().reindex(range(7)).to_numpy(dtype=float)
    weekday = np.where(np.isfinite(weekday) & (weekday > 0), weekday, 1.0)
    return ColdStartProfile(weekday / weekday.mean(), float(level.median()))


def cold_start_forecast(y: np.ndarray, dow: np.ndarray, is_open: np.ndarray,
                        dow_future: np.ndarray, open_future: np.ndarray,
                        profile: ColdStartProfile) -> tuple[np.ndarray, str]:
    """Forecast ``(h,)`` for the future days and a sentence saying how it was made.

    ``y``, ``dow``, ``is_open`` ``(n,)`` are the series' history up to the cutoff (NaN = no
    actual), ``dow_future``/``open_future`` ``(h,)`` the days to forecast.
    """
    recent = slice(max(0, len(y) - LEVEL_DAYS), len(y))
    y_r, dow_r, open_r = y[recent], dow[recent], is_open[recent]
    keep = np.isfinite(y_r) & (open_r > 0)
    if keep.any():
        level = float(np.mean(y_r[keep] / profile.weekday[dow_r[keep]]))
        how = f"own level over {int(keep.sum())} open day(s) with actuals"
    else:
        level = profile.median_level
        how = "no actuals yet: median level of the established series"
    level = max(level, 0.0)  # net returns can make a short history negative; a plan is not
    mean = np.where(open_future > 0, level * profile.weekday[dow_future], 0.0)
    return mean, how
