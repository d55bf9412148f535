-- diagnosis: the lines of series whose dates are weekly or monthly in a daily layout (mixed
-- frequencies): all their dates fall on one weekday, or on one day of the month.
insert into pg_temp.load_problem (line_no, column_name, reason, raw_line)
select
    s.line_no,
    'sale_date',
    'mixed frequencies: series (store ' || c.store_id || ', group ' || c.group_id || ') has '
        || c.frequency || ' dates (' || c.row_count || ' rows, ' || c.first_date || ' .. ' || c.last_date
        || ') but the layout is daily',
    t.raw_line
from (
    select
        ls.*,
        case when ls.weekday_mask & (ls.weekday_mask - 1) = 0 then 'weekly' else 'monthly' end as frequency
    from pg_temp.load_series as ls
    where ls.row_count >= 4 and ls.weekday_mask & (ls.weekday_mask - 1) = 0
       or ls.row_count >= 3 and ls.monthday_mask & (ls.monthday_mask - 1) = 0
          and ls.last_date - ls.first_date >= 56
) as c
join pg_temp.actuals_stage as s on s.store_id = c.store_id and s.group_id = c.group_id
join pg_temp.actuals_stage_text as t on t.line_no = s.line_no
