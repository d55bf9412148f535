-- view: mart.sales_daily
-- test: holidays_are_rare
-- The holiday flag is read in its declared domain: a month where more than half of the
-- series-days are holidays means a flag was misread (a TRUE/FALSE column read as codes, where
-- any value other than '0' is a holiday, made every day a holiday). Months with fewer than 7
-- days of data are too short to tell.
select
    d.month,
    count(*) as series_days,
    count(*) filter (where d.is_holiday) as holiday_series_days
from mart.sales_daily as d
group by d.month
having count(distinct d.sale_date) >= 7
   and count(*) filter (where d.is_holiday) > 0.5 * count(*)
