-- core.actuals_month_checksums(version, months): content checksum of the actuals as of a version.
-- grain: one row per calendar month (of sale_date) present as of p_version; p_months limits the
-- months (null: all). The checksum is order-independent: the xor of the 64-bit hashes
-- (hashtextextended, the hash PostgreSQL's hash partitioning relies on staying stable) of a
-- canonical text of each row, keyed by the natural key (store_id, group_id), so it depends on
-- neither storage order nor series_id surrogates: the same data gives the same checksum in any
-- database, and a changed, added or removed row changes it. (md5 per row costs 3x as much.)
create or replace function core.actuals_month_checksums(p_version integer, p_months date[] default null)
returns table (month date, row_count bigint, sales_total numeric, checksum text)
language sql
stable
parallel safe
as $$
    select
        date_trunc('month', a.sale_date::timestamp)::date as month,
        count(*) as row_count,
        sum(a.sales) as sales_total,
        lpad(to_hex(bit_xor(hashtextextended(concat_ws('|',
            s.store_id, s.group_id, a.sale_date, a.sales, a.promo, a.is_open,
            coalesce(a.state_holiday, '~'), coalesce(a.school_holiday::text, '~'),
            coalesce(a.customers::text, '~')
        ), 0))), 16, '0') as checksum
    from core.actuals as a
    join core.series as s on s.series_id = a.series_id
    where a.valid_from_version <= p_version
      and (a.valid_to_version is null or a.valid_to_version > p_version)
      -- bounds first so an index on sale_date can serve a load that touched a few months
      and a.sale_date >= coalesce((select min(m) from unnest(p_months) as m), '-infinity'::date)
      and a.sale_date < coalesce((select max(m) from unnest(p_months) as m) + 31, 'infinity'::date)
      and (p_months is null or date_trunc('month', a.sale_date::timestamp)::date = any (p_months))
    group by 1
$$;
