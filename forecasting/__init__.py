"""The forecasting engine: pure numpy/pandas, no database, no files of the application.

Flow inside the engine: ``models`` (candidates on numpy arrays) → ``backtest``
(rolling-origin folds, a pure generator) → ``fitting`` (fold forecasts of every candidate)
→ ``evaluation`` (per series and fold, in order: ``combinations`` with members ranked by
``ranking`` on earlier folds, ``intervals``, ``scoring`` with the pure ``metrics``) →
``selection`` (choose per series, group or globally) → ``engine`` (the orchestration).
``experiments`` parses the TOML that configures all of it. The application (``planfact``)
feeds the engine a long frame from the mart and writes what it returns.
"""
