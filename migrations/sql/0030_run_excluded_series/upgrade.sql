-- 0030 (after its DDL): readers of the registry see which series a run left out
grant select on forecast.run_excluded_series to planfact_reader
