-- one validated file of a multi-file load joins the set.
insert into pg_temp.set_stage
select %(file_no)s, s.*
from pg_temp.actuals_stage as s
