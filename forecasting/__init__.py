"""planfact: monthly plan-vs-actual for retail sales on PostgreSQL.

The package follows the data flow: ``actuals`` (loading and validation) →
``versions`` (cumulatively versioned facts) → ``mart`` (SQL views) → ``models``
and ``engine`` (candidates, backtests, selection) → ``forecasts`` (the monthly
run and the plan of record) → ``reports`` (a sibling package) → ``registry``.
"""

__version__ = "0.1.0"
