"""Candidate models and their registry (name in the experiments file -> class).

Per-series models follow the :class:`~forecasting.models.base.Forecaster` protocol on
numpy arrays. ``lgbm_global`` is trained once on all series (``is_global``) and
``combination`` is assembled by the engine from the other candidates' forecasts.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from forecasting.models.aggregate import AggregateLevel
from forecasting.models.base import EXOG, BaseForecaster, Forecaster
from forecasting.models.baselines import SeasonalNaive, WeekdayMean
from forecasting.models.combination import Combination
from forecasting.models.global_lgbm import GlobalLGBM
from forecasting.models.profile import ProfileModel
from forecasting.models.prophet_model import ProphetForecaster
from forecasting.models.stack import Stack
from forecasting.models.statistical import ETSForecaster, SarimaxForecaster, ThetaForecaster

__all__ = [
    "EXOG",
    "MODELS",
    "BaseForecaster",
    "Forecaster",
    "library_versions",
]

MODELS: dict[str, Any] = {
    "seasonal_naive": SeasonalNaive,
    "weekday_mean": WeekdayMean,
    "profile": ProfileModel,
    "ets": ETSForecaster,
    "sarimax": SarimaxForecaster,
    "theta": ThetaForecaster,
    "prophet": ProphetForecaster,
    "lgbm_global": GlobalLGBM,
    "aggregate_level": AggregateLevel,
    "combination": Combination,
    "stack": Stack,
}

# Libraries whose version changes a model's output, recorded in the run registry.
_LIBRARIES: dict[str, tuple[str, ...]] = {
    "ets": ("statsmodels",),
    "sarimax": ("statsmodels",),
    "theta": ("statsmodels",),
    "prophet": ("prophet", "cmdstanpy"),
    "lgbm_global": ("lightgbm",),
    "aggregate_level": ("statsmodels", "prophet", "cmdstanpy"),
}


def library_versions(model: str) -> dict[str, str]:
    """Installed versions of numpy plus the libraries ``model`` depends on."""
    out = {}
    for name in ("numpy", *_LIBRARIES.get(model, ())):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out
