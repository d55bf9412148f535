-- plan loads: new days and the new flags of restated days. Returns the touched months.
-- grain of the insert: one row per series and planned day.
with inserted as (
    insert into core.planned_exogenous (
        series_id, plan_date, promo, is_open, state_holiday, school_holiday, valid_from_version
    )
    select
        s.series_id, st.sale_date, core.promo_value(st.promo), st.is_open, st.state_holiday,
        st.school_holiday, %(version_id)s
    from pg_temp.actuals_stage as st
    join core.series as s on s.store_id = st.store_id and s.group_id = st.group_id
    where not exists (
        select 1
        from core.planned_exogenous as p
        where p.series_id = s.series_id and p.plan_date = st.sale_date and p.valid_to_version is null
    )
    returning plan_date
)
select date_trunc('month', i.plan_date)::date as month, count(*) as row_count
from inserted as i
group by 1
