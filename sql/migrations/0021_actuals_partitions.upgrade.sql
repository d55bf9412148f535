-- 0021: core.actuals partitioned by data version (LIST on valid_from_version).
-- A load that only adds days builds its version's partition in its own transaction (COPY
-- straight into a fresh table, sorted index builds, then ATTACH); the others insert through
-- the parent: the rows of versions without a partition of their own (diffed loads, roles that
-- do not own the table, rows written by hand) land in core.actuals_default.
-- One current row per key cannot be a unique index on a partitioned table (it would have to
-- hold the partition key): the loader keeps it, under its advisory lock, and the mart's data
-- test unique(series_id, sale_date) checks it; actuals_current_key stays as the lookup index.
alter table core.actuals rename to actuals_unpartitioned;
alter table core.actuals_unpartitioned rename constraint actuals_pkey to actuals_unpartitioned_pkey;
alter index core.actuals_current_key rename to actuals_unpartitioned_current_key;
alter index core.actuals_valid_to rename to actuals_unpartitioned_valid_to;
alter index core.actuals_sale_date rename to actuals_unpartitioned_sale_date;

create table core.actuals (
    series_id integer not null,
    sale_date date not null,
    sales numeric(18, 4) not null,
    promo integer not null default 0,
    is_open boolean not null default true,
    state_holiday text,
    school_holiday boolean,
    customers integer,
    valid_from_version integer not null,
    valid_to_version integer,
    constraint actuals_pkey primary key (series_id, sale_date, valid_from_version),
    constraint actuals_sales_finite check (sales <> 'NaN'),
    constraint actuals_validity check (valid_to_version is null or valid_to_version > valid_from_version),
    constraint actuals_series_id_fkey foreign key (series_id) references core.series (series_id),
    constraint actuals_valid_from_version_fkey
        foreign key (valid_from_version) references core.data_version (version_id),
    constraint actuals_valid_to_version_fkey
        foreign key (valid_to_version) references core.data_version (version_id)
) partition by list (valid_from_version);
comment on table core.actuals is
    'Append-only daily facts: one row per series, day and version that wrote it (one partition per version).';
create index actuals_current_key on core.actuals (series_id, sale_date) where valid_to_version is null;
create index actuals_valid_to on core.actuals (valid_to_version) where valid_to_version is not null;
create index actuals_sale_date on core.actuals using brin (sale_date);
create table core.actuals_default partition of core.actuals default;

do $$
declare
    v integer;
begin
    for v in select distinct a.valid_from_version from core.actuals_unpartitioned as a order by 1 loop
        execute format(
            'create table core.%I partition of core.actuals for values in (%s)', 'actuals_v' || v, v
        );
    end loop;
end
$$;
insert into core.actuals select * from core.actuals_unpartitioned;

create or replace view core.actuals_current as
select
    a.series_id,
    a.sale_date,
    a.sales,
    a.promo,
    a.is_open,
    a.state_holiday,
    a.school_holiday,
    a.customers,
    a.valid_from_version
from core.actuals as a
where a.valid_to_version is null;
drop table core.actuals_unpartitioned;
grant select, insert, update on core.actuals, core.actuals_default to planfact_etl;
analyze core.actuals
