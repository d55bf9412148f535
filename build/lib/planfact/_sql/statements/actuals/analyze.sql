-- fresh statistics after a bulk load, so the next load's diff plans with the real size.
analyze core.actuals
