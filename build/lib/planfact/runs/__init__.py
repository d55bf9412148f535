"""The monthly run: mart → engine → forecasts, plan of record and run registry.

Modules in the order of a run: ``period`` (months, shards) → ``locks`` → ``configs``
→ ``reader`` (mart.export_training) → ``shards`` (engine, one shard) → ``writer``
(COPY) → ``finalize`` (metrics, status) → ``plan`` (plan of record); ``run`` ties
them together and ``reproduce`` recomputes a past run. Heavy libraries (pandas,
the engine) are imported inside the functions that need them.
"""

from planfact.runs.finalize import RunSummary, finalize_run
from planfact.runs.plan import promote_plan
from planfact.runs.reproduce import ReproduceResult, reproduce_run
from planfact.runs.shards import run_shard
from planfact.runs.start import RunOutcome, run_month, start_run

__all__ = [
    "RunOutcome",
    "RunSummary",
    "ReproduceResult",
    "run_month",
    "start_run",
    "run_shard",
    "finalize_run",
    "promote_plan",
    "reproduce_run",
]
