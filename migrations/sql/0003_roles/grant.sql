-- planfact_etl writes core and forecast and reads everything;
-- planfact_reader reads the mart and the run registry, nothing in core.
grant usage on schema core, forecast, mart to planfact_etl;
grant select, insert, update on all tables in schema core, forecast to planfact_etl;
grant usage, select on all sequences in schema core, forecast to planfact_etl;
grant select on all tables in schema mart to planfact_etl;
grant execute on all functions in schema core to planfact_etl;
alter default privileges in schema core, forecast grant select, insert, update on tables to planfact_etl;
alter default privileges in schema core, forecast grant usage, select on sequences to planfact_etl;
alter default privileges in schema mart grant select on tables to planfact_etl;

grant usage on schema mart, forecast to planfact_reader;
grant select on all tables in schema mart to planfact_reader;
grant execute on all functions in schema mart to planfact_reader;
alter default privileges in schema mart grant select on tables to planfact_reader;
alter default privileges in schema mart grant execute on functions to planfact_reader;
grant select on
    forecast.run,
    forecast.run_shard,
    forecast.model_version,
    forecast.selection,
    forecast.backtest_metric,
    forecast.plan_assignment,
    forecast.plan_of_record,
    forecast.report
to planfact_reader;
