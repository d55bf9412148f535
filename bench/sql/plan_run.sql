-- bench/mart.py only: a succeeded production run for %(month)s to hold a synthetic plan.
insert into forecast.run (kind, target_month, data_version, model_version, code_version, status, finished_at)
values ('production', %(month)s, %(data_version)s, 'bench-same-weekday-last-year', 'bench', 'succeeded', now())
returning run_id
