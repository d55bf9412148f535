"""The forecasting engine: pure numpy/pandas, no database, no files of the application.

Flow inside the engine: ``models`` (candidates on numpy arrays) → ``backtest``
(rolling-origin folds, a pure generator) → ``engine`` (fit every candidate per fold)
→ ``metrics`` (pure functions) → ``selection`` (choose per series, group or globally).
``experiments`` parses the TOML that configures all of it. The application (``planfact``)
feeds the engine a long frame from the mart and writes what it returns.
"""
