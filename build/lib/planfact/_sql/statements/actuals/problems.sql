-- the problems found, first line first. grain: one row per problem (a line may have several).
select p.line_no, p.column_name, p.reason, p.raw_line
from pg_temp.load_problem as p
order by p.line_no, p.column_name
