-- view: mart.sales_monthly
-- test: monthly_equals_sum_of_days
-- Every series-month of mart.sales_monthly equals the sum of its days in mart.sales_daily
-- (sales, customers, series-days), and no series-month is missing on either side; a stale
-- materialized view (actuals loaded, mart not refreshed) fails here. A NaN on either side fails
-- too (PostgreSQL holds NaN equal to NaN, so the comparison alone would pass it).
with daily as (
    select
        d.month,
        d.series_id::text as member,
        sum(d.sales) as sales,
        sum(d.customers) as customers,
        count(*) as series_days
    from mart.sales_daily as d
    group by d.month, d.series_id
),
monthly as (
    select m.month, m.member, m.sales, m.customers, m.series_days
    from mart.sales_monthly as m
    where m.level = 'series'
)
select
    coalesce(m.month, d.month) as month,
    coalesce(m.member, d.member) as series_id,
    m.sales as monthly_sales,
    d.sales as sum_of_daily_sales,
    m.series_days as monthly_series_days,
    d.series_days as daily_rows
from monthly as m
full join daily as d on d.month = m.month and d.member = m.member
where m.member is null
   or d.member is null
   or m.sales <> d.sales
   or m.sales = 'NaN' or d.sales = 'NaN'
   or m.customers is distinct from d.customers
   or m.series_days <> d.series_days
