-- view: mart.sales_monthly
-- test: levels_add_up
-- At every level, the members of a month add up to that month's total (sales, series-days,
-- series): each series belongs to exactly one member of each level.
with by_level as (
    select m.month, m.level, sum(m.sales) as sales, sum(m.series_days) as series_days, sum(m.series) as series
    from mart.sales_monthly as m
    group by m.month, m.level
)
select b.month, b.level, b.sales, t.sales as total_sales, b.series_days, t.series_days as total_series_days
from by_level as b
left join mart.sales_monthly as t
    on t.month = b.month and t.level = 'total' and t.member = 'all'
where t.month is null
   or b.sales <> t.sales
   or b.series_days <> t.series_days
   or b.series <> t.series
