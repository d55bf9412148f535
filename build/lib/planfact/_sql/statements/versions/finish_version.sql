update core.data_version
set period_start = %(period_start)s,
    period_end = %(period_end)s,
    rows_in_file = %(rows_in_file)s,
    rows_inserted = %(rows_inserted)s,
    rows_restated = %(rows_restated)s,
    rows_unchanged = %(rows_unchanged)s,
    rows_rejected = %(rows_rejected)s
where version_id = %(version_id)s
