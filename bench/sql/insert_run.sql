-- bench only: a succeeded production run standing in for the plan of a month.
insert into forecast.run (kind, target_month, data_version, model_version, code_version, status,
                          started_at, finished_at)
values ('production', %(month)s, %(data_version)s, 'bench-synthetic', 'bench', 'succeeded',
        %(month)s::date - 2, %(month)s::date - 1)
returning run_id
