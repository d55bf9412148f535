"""Actuals: file layouts, validation, versioned loads, reference tables and month splits.

The flow: ``layouts`` (what the columns mean) -> ``source`` (bytes and records) ->
``loader`` (typed COPY, set-based checks, diff and insert, one version per load) with
``validation`` (where exactly a refused file is wrong) and ``bulk`` (first loads);
``reference`` loads stores and holidays; ``months`` cuts a history into monthly files;
``dates`` is the one rule for a date in any file; ``closed`` refuses a plan of a closed month.
"""

from planfact.actuals.loader import LoadResult, load_actuals, load_plan
from planfact.actuals.reference import load_holidays, load_stores
from planfact.actuals.split import split_months

__all__ = ["LoadResult", "load_actuals", "load_plan", "load_stores", "load_holidays", "split_months"]
