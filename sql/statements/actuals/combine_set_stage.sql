-- the set becomes the stage the load applies: one row per key, the later file's row where two
-- files of the set hold the same store, group and day (files are applied in the order given);
-- load_series summarises it again (its rows passed the row rules file by file).
truncate pg_temp.actuals_stage;
insert into pg_temp.actuals_stage (
    line_no, store_id, group_id, sale_day, sales_text, customers_text, promo, is_open, state_holiday,
    school_holiday, day_of_week_text, ignored_1, ignored_2, ignored_3, ignored_4
)
select distinct on (s.store_id, s.group_id, s.sale_date)
    s.line_no, s.store_id, s.group_id, s.sale_day, s.sales_text, s.customers_text, s.promo, s.is_open,
    s.state_holiday, s.school_holiday, s.day_of_week_text, s.ignored_1, s.ignored_2, s.ignored_3, s.ignored_4
from pg_temp.set_stage as s
order by s.store_id, s.group_id, s.sale_date, s.file_no desc;
drop table if exists pg_temp.load_series;
create temp table load_series on commit drop as
select
    st.store_id,
    st.group_id,
    count(*) as row_count,
    min(st.sale_date) as first_date,
    max(st.sale_date) as last_date,
    bit_or(1 << ((st.sale_date - date '1900-01-01') %% 7)) as weekday_mask,
    bit_or(1::bigint << date_part('day', st.sale_date)::integer) as monthday_mask,
    0::bigint as bad_rows
from pg_temp.actuals_stage as st
group by st.store_id, st.group_id
