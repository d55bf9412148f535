"""``planfact demo``: the monthly job end to end on generated (or real) data.

``feed`` prepares the files a monthly feed would deliver, ``replay`` runs them month by
month through ``planfact.pipeline`` (the functions the Airflow DAG calls), and
``summary`` shows the registry table, the reports and how to query the registry.
"""

from planfact.demo.replay import DEMO_EXPERIMENTS, run_demo
from planfact.demo.summary import DemoSummary, StepOutcome

__all__ = ["run_demo", "DemoSummary", "StepOutcome", "DEMO_EXPERIMENTS"]
