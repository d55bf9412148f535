-- core.verify_data_version(version): stored month checksums against the data read back now.
-- grain: one row per month stored for p_version or present in the data as of p_version;
-- ok is false when the month is missing on either side or any of count, total, checksum differ.
create or replace function core.verify_data_version(p_version integer)
returns table (
    month date,
    stored_rows bigint,
    actual_rows bigint,
    stored_checksum text,
    actual_checksum text,
    ok boolean
)
language sql
stable
as $$
    select
        coalesce(s.month, c.month) as month,
        s.row_count as stored_rows,
        c.row_count as actual_rows,
        s.checksum as stored_checksum,
        c.checksum as actual_checksum,
        coalesce(
            s.row_count = c.row_count and s.sales_total = c.sales_total and s.checksum = c.checksum,
            false
        ) as ok
    from (select * from core.data_version_month where version_id = p_version) as s
    full join core.actuals_month_checksums(p_version) as c on c.month = s.month
    order by 1
$$;
