-- new keys and the new values of restated keys (whose current row was just closed).
-- Returns the touched months. grain of the insert: one row per series and day.
with inserted as (
    insert into core.actuals (
        series_id, sale_date, sales, promo, is_open, state_holiday, school_holiday, customers,
        valid_from_version
    )
    select
        s.series_id, st.sale_date, st.sales, core.promo_value(st.promo), coalesce(st.is_open, true),
        st.state_holiday, st.school_holiday, st.customers, %(version_id)s
    from pg_temp.actuals_stage as st
    join core.series as s on s.store_id = st.store_id and s.group_id = st.group_id
    where not exists (
        select 1
        from core.actuals as a
        where a.series_id = s.series_id and a.sale_date = st.sale_date and a.valid_to_version is null
    )
    returning sale_date
)
select date_trunc('month', i.sale_date)::date as month, count(*) as row_count
from inserted as i
group by 1
