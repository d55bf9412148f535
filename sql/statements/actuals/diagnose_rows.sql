-- diagnosis: typed rows that break a row rule (empty key, future date, negative sales, ...).
insert into pg_temp.load_problem (line_no, column_name, reason, raw_line)
select
    st.line_no,
    split_part(st.problem, ':', 1),
    substr(st.problem, strpos(st.problem, ':') + 1),
    t.raw_line
from (
    select
        s.line_no,
        core.actuals_row_problem(
            s.store_id, s.group_id, s.sale_date, s.sales, s.customers, s.promo,
            s.day_of_week, s.state_holiday, %(today)s, %(need_sales)s, %(codes)s,
            %(allow_negative)s
        ) as problem
    from pg_temp.actuals_stage as s
) as st
join pg_temp.actuals_stage_text as t on t.line_no = st.line_no
where st.problem is not null
