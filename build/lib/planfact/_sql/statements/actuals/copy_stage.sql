copy pg_temp.actuals_stage ({columns}) from stdin with (format csv, header true)
