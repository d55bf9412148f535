-- the indexes of a version's partition, built after its rows are in (from rows sorted by
-- series and day: sorted builds); the same definitions as core.actuals' partitioned indexes,
-- so ATTACH adopts them instead of building its own.
alter table {name} add constraint {pkey} primary key (series_id, sale_date, valid_from_version);
create index {current_key} on {name} (series_id, sale_date) where valid_to_version is null;
create index {valid_to} on {name} (valid_to_version) where valid_to_version is not null;
create index {sale_date} on {name} using brin (sale_date)
