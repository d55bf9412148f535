-- one file of a new data version.
insert into core.data_version_file (
    version_id, file_no, source_name, source_sha256, layout, period_start, period_end,
    rows_in_file, rows_rejected
)
values (
    %(version_id)s, %(file_no)s, %(source_name)s, %(sha256)s, %(layout)s, %(period_start)s,
    %(period_end)s, %(rows_in_file)s, %(rows_rejected)s
)
