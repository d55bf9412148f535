-- bench only: make the synthetic run the month's plan of record.
insert into forecast.plan_assignment (target_month, run_id, reason)
values (%(month)s, %(run_id)s, 'bench')
