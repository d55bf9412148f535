-- quarantine: one row per refused line (its first problem), linked to the version.
insert into core.rejected_row (version_id, source_name, line_no, column_name, reason, raw_line)
select distinct on (p.line_no)
    %(version_id)s, %(source_name)s, p.line_no, p.column_name, p.reason, p.raw_line
from pg_temp.load_problem as p
order by p.line_no, p.column_name
