"""planfact: monthly plan-vs-actual for retail sales on PostgreSQL — the application.

Packages in the order of the flow: ``config`` and ``db`` (settings, connections, the
embedded server, SQL by name, migrations) → ``actuals`` (file contracts, validated
versioned loads) → ``versions`` (data versions and their checksums) → ``mart`` (refresh
and data tests of the SQL views) → the engine (the sibling package ``forecasting``) →
``runs`` (monthly runs, shards, plan of record, registry) → ``reporting`` (mart → the
``reports`` renderers → report registry). ``pipeline`` strings the stages into the
monthly job the Airflow DAG and ``demo`` call; ``cli`` is the ``planfact`` command.
"""

__version__ = "0.1.0"
