-- problems name the file's header, not the logical column (e.g. Date, not sale_date).
update pg_temp.load_problem as p
set column_name = m.file_column
from unnest(%(logical)s::text[], %(file)s::text[]) as m (logical_column, file_column)
where p.column_name = m.logical_column
