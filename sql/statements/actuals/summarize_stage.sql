-- one pass over the stage: per series the row count, period, weekday and day-of-month masks
-- (to tell daily from weekly or monthly dates) and how many rows break a row rule.
-- grain: one row per (store_id, group_id) of the file.
create temp table load_series on commit drop as
select
    st.store_id,
    st.group_id,
    count(*) as row_count,
    min(st.sale_date) as first_date,
    max(st.sale_date) as last_date,
    bit_or(1 << ((st.sale_date - date '1900-01-01') %% 7)) as weekday_mask,
    bit_or(1::bigint << date_part('day', st.sale_date)::integer) as monthday_mask,
    count(*) filter (
        where core.actuals_row_problem(
            st.store_id, st.group_id, st.sale_date, st.sales, st.customers, st.promo,
            st.day_of_week, st.state_holiday, %(today)s, %(need_sales)s, %(codes)s,
            %(allow_negative)s
        ) is not null
    ) as bad_rows
from pg_temp.actuals_stage as st
group by st.store_id, st.group_id
