copy pg_temp.actuals_stage_text ({columns}) from stdin
