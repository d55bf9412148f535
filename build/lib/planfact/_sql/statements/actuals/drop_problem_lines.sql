-- quarantine: the refused lines leave the stage; the rest loads.
delete from pg_temp.actuals_stage as s
where exists (select 1 from pg_temp.load_problem as p where p.line_no = s.line_no)
