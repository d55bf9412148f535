-- 0021 down: core.actuals as one plain table again (the definition of 0001 and 0006), the
-- rows of every partition moved into it; fails where two current rows share a key.
alter table core.actuals rename to actuals_partitioned;
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
    valid_to_version integer
);
insert into core.actuals select * from core.actuals_partitioned;
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
drop table core.actuals_partitioned;
comment on table core.actuals is 'Append-only daily facts: one row per series, day and version that wrote it.';
alter table core.actuals
    add constraint actuals_pkey primary key (series_id, sale_date, valid_from_version),
    add constraint actuals_sales_finite check (sales <> 'NaN'),
    add constraint actuals_validity check (valid_to_version is null or valid_to_version > valid_from_version),
    add constraint actuals_series_id_fkey foreign key (series_id) references core.series (series_id),
    add constraint actuals_valid_from_version_fkey
        foreign key (valid_from_version) references core.data_version (version_id),
    add constraint actuals_valid_to_version_fkey
        foreign key (valid_to_version) references core.data_version (version_id);
create unique index actuals_current_key on core.actuals (series_id, sale_date) where valid_to_version is null;
create index actuals_valid_to on core.actuals (valid_to_version) where valid_to_version is not null;
create index actuals_sale_date on core.actuals using brin (sale_date);
grant select, insert, update on core.actuals to planfact_etl
