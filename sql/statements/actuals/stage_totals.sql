-- rows and period of the stage about to be applied. grain: one row.
select coalesce(sum(s.row_count), 0) as row_count, min(s.first_date), max(s.last_date)
from pg_temp.load_series as s
