-- records one rendered report file in the report registry.
insert into forecast.report (target_month, format, plan_run_id, data_version, path, sha256, params)
values (%(month)s, %(format)s, %(plan_run_id)s, %(data_version)s, %(path)s, %(sha256)s, %(params)s)
returning report_id
