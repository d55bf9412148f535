-- the rows of every file of a multi-file load, validated file by file, before they are combined.
-- grain: one row per file_no and staged record.
drop table if exists pg_temp.set_stage;
create temp table set_stage (file_no smallint not null, like pg_temp.actuals_stage) on commit drop
