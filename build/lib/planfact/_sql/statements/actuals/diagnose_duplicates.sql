-- diagnosis: every line whose key (store, group, date) appears more than once in the file;
-- which copy is right is unknowable, so all copies are refused.
insert into pg_temp.load_problem (line_no, column_name, reason, raw_line)
select
    d.line_no,
    'sale_date',
    'duplicate key (store ' || d.store_id || ', group ' || d.group_id || ', date ' || d.sale_date
        || ') also on line ' || case when d.line_no = d.first_line then d.second_line else d.first_line end,
    t.raw_line
from (
    select
        s.line_no, s.store_id, s.group_id, s.sale_date,
        count(*) over w as copies,
        min(s.line_no) over w as first_line,
        (array_agg(s.line_no) over w)[2] as second_line
    from pg_temp.actuals_stage as s
    where s.store_id is not null and s.group_id is not null and s.sale_date is not null
    window w as (
        partition by s.store_id, s.group_id, s.sale_date order by s.line_no
        rows between unbounded preceding and unbounded following
    )
) as d
join pg_temp.actuals_stage_text as t on t.line_no = d.line_no
where d.copies > 1
