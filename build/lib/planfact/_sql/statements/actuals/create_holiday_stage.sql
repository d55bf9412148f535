-- one row per line of a holidays file. grain: line_no.
-- (a caller's open transaction keeps the previous load's temp tables: start clean)
drop table if exists pg_temp.holiday_stage;
create temp table holiday_stage (
    holiday_date date not null,
    scope text not null,
    locale_name text not null,
    kind text not null,
    description text not null,
    transferred boolean not null,
    line_no integer not null
) on commit drop
