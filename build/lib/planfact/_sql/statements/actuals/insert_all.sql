-- bulk path (core.actuals is empty): every staged row is new, so every month is touched and
-- nothing needs returning. grain of the insert: one row per series and day.
insert into core.actuals (
    series_id, sale_date, sales, promo, is_open, state_holiday, school_holiday, customers,
    valid_from_version
)
select
    s.series_id, st.sale_date, st.sales, core.promo_value(st.promo), coalesce(st.is_open, true),
    st.state_holiday, st.school_holiday, st.customers, %(version_id)s
from pg_temp.actuals_stage as st
join core.series as s on s.store_id = st.store_id and s.group_id = st.group_id
