-- the month checksums of a straight load, computed on its version's table before the table is
-- attached: the new rows per month combined with the previous version's figures for the same
-- month. The load only adds keys and closes no row, so row counts and sales totals add up and
-- the xor checksums xor. The row hash is core.actuals_month_checksums' own (verification
-- recomputes every month from scratch with that function). grain: one row per month of the load.
with fresh as (
    select
        date_trunc('month', d.sale_date::timestamp)::date as month,
        sum(d.row_count)::bigint as row_count,
        sum(d.sales_total) as sales_total,
        bit_xor(d.checksum) as checksum
    from (
        select
            a.sale_date,
            count(*) as row_count,
            sum(a.sales) as sales_total,
            bit_xor(hash_record_extended(row(
                s.store_id, s.group_id, a.sale_date, a.sales, a.promo, a.is_open, a.state_holiday,
                a.school_holiday, a.customers
            ), 0)) as checksum
        from {name} as a
        join core.series as s on s.series_id = a.series_id
        group by a.sale_date
    ) as d
    group by 1
)
select
    f.month,
    f.row_count + coalesce(p.row_count, 0),
    f.sales_total + coalesce(p.sales_total, 0),
    lpad(to_hex(f.checksum # coalesce(('x' || p.checksum)::bit(64)::bigint, 0)), 16, '0')
from fresh as f
left join core.data_version_month as p on p.version_id = {previous_id} and p.month = f.month
order by 1
