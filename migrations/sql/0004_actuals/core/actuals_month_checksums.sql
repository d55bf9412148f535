-- core.actuals_month_checksums(version, months): content checksum of the actuals as of a version.
-- grain: one row per calendar month (of sale_date) present as of p_version; p_months limits the
-- months (null: all). The checksum is order-independent: the xor of 64-bit row hashes keyed by
-- the natural key (store_id, group_id), so it depends on neither storage order nor series_id
-- surrogates: the same data gives the same checksum in any database, and a changed, added or
-- removed row changes it. hash_record_extended hashes the typed values with each type's extended
-- hash function (the ones PostgreSQL's hash partitioning relies on staying stable) and prints
-- nothing to text: twice as fast as hashing a concatenated text (md5 per row, slower still),
-- and independent of DateStyle and numeric scale (1.5 and 1.5000 hash alike).
create or replace function core.actuals_month_checksums(p_version integer, p_months date[] default null)
returns table (month date, row_count bigint, sales_total numeric, checksum text)
language sql
stable
parallel safe
as $$
    select
        date_trunc('month', d.sale_date::timestamp)::date as month,
        sum(d.row_count)::bigint as row_count,
        sum(d.sales_total) as sales_total,
        lpad(to_hex(bit_xor(d.checksum)), 16, '0') as checksum
    from (
        -- by day first: hashing a date per row is cheaper than truncating it to its month
        select
            a.sale_date,
            count(*) as row_count,
            sum(a.sales) as sales_total,
            bit_xor(hash_record_extended(row(
                s.store_id, s.group_id, a.sale_date, a.sales, a.promo, a.is_open, a.state_holiday,
                a.school_holiday, a.customers
            ), 0)) as checksum
        from core.actuals as a
        join core.series as s on s.series_id = a.series_id
        where a.valid_from_version <= p_version
          and (a.valid_to_version is null or a.valid_to_version > p_version)
          -- bounds so the BRIN index on sale_date serves a load that touched a few months; with
          -- p_months null the whole test folds away (the function is inlined) and all months are
          -- read with a parallel scan
          and (p_months is null
               or a.sale_date >= (select min(m) from unnest(p_months) as m)
                  and a.sale_date < (select max(m) from unnest(p_months) as m) + 31)
        group by a.sale_date
    ) as d
    where p_months is null or date_trunc('month', d.sale_date::timestamp)::date = any (p_months)
    group by 1
$$;
