-- the text staging table of the diagnosis path. grain: one row per well-formed record, every
-- value as text, numbered by file line so each problem names its line.
-- (a caller's open transaction keeps the previous load's temp tables: start clean)
drop table if exists pg_temp.actuals_stage_text;
drop table if exists pg_temp.load_problem;
create temp table actuals_stage_text (
    line_no bigint not null,
    raw_line text,
    store_id text,
    group_id text default 'all',
    sale_date text,
    sales text,
    customers text,
    promo text,
    is_open text,
    state_holiday text,
    school_holiday text,
    day_of_week text,
    ignored_1 text,
    ignored_2 text,
    ignored_3 text,
    ignored_4 text
) on commit drop;
create temp table load_problem (
    line_no bigint not null,
    column_name text,
    reason text not null,
    raw_line text
) on commit drop
