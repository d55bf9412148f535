-- the fast path's verdict on the stage: rows breaking a row rule, series whose dates are
-- weekly or monthly instead of daily (all on one weekday, or all on one day of the month), and
-- series whose store or product group is not in the reference data (unless new ones are
-- accepted: %(new_series)s; the group 'all' of feeds without groups is always known).
select
    coalesce(sum(s.bad_rows), 0) as bad_rows,
    count(*) filter (where s.row_count >= 4 and s.weekday_mask & (s.weekday_mask - 1) = 0
                        or s.row_count >= 3 and s.monthday_mask & (s.monthday_mask - 1) = 0
                        and s.last_date - s.first_date >= 56) as coarse_series,
    coalesce(sum(s.row_count), 0) as row_count,
    min(s.first_date) as period_start,
    max(s.last_date) as period_end,
    count(*) filter (
        where not %(new_series)s
          and (not exists (select 1 from core.store as st where st.store_id = s.store_id)
               or s.group_id <> 'all'
                  and not exists (select 1 from core.product_group as g where g.group_id = s.group_id))
    ) as unknown_series
from pg_temp.load_series as s
