-- core.actuals_as_of(version): the facts exactly as they stood after data version p_version.
-- grain: one row per series_id and sale_date.
-- A row is visible from the version that wrote it until (excluding) the version that restated it.
create or replace function core.actuals_as_of(p_version integer)
returns table (
    series_id integer,
    sale_date date,
    sales numeric,
    promo integer,
    is_open boolean,
    state_holiday text,
    school_holiday boolean,
    customers integer,
    valid_from_version integer
)
language sql
stable
as $$
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
    where a.valid_from_version <= p_version
      and (a.valid_to_version is null or a.valid_to_version > p_version)
$$;
