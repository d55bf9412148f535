-- privileges on the per-series flags of runs (migration 0030): the ETL role writes them,
-- readers read them like the rest of the registry
grant select, insert on forecast.series_flag to planfact_etl;
grant select on forecast.series_flag to planfact_reader
