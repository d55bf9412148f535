-- appends an assignment to the plan log; the newest one of a month is its plan of record
insert into forecast.plan_assignment (target_month, run_id, assigned_by, reason)
values (%(month)s, %(run_id)s, coalesce(%(assigned_by)s, current_user), %(reason)s)
returning assigned_at
