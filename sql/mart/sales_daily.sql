-- mart.sales_daily: the current actuals with their store, group and calendar attributes.
-- grain: one row per series_id and sale_date (core.actuals_current has one row per key).
-- month: the first day of the sale's period of the installation's calendar (core.calendar).
-- is_holiday: a national holiday in core.calendar or a state holiday reported with the sale
-- (any state_holiday other than '0'); is_event comes from core.calendar.
create or replace view mart.sales_daily as
select
    a.series_id,
    a.sale_date,
    coalesce(c.period_start, date_trunc('month', a.sale_date)::date) as month,
    d.store_id,
    d.group_id,
    d.store_name,
    d.city,
    d.state,
    d.store_type,
    d.assortment,
    d.cluster,
    d.group_name,
    d.category,
    c.day_of_week,
    c.iso_week,
    c.is_weekend,
    c.is_holiday or coalesce(a.state_holiday, '0') <> '0' as is_holiday,
    c.is_event,
    c.holiday_name,
    a.state_holiday,
    a.school_holiday,
    a.promo,
    a.is_open,
    a.sales,
    a.customers,
    a.valid_from_version as data_version
from core.actuals_current as a
join mart.series_dim as d on d.series_id = a.series_id
join core.calendar as c on c.calendar_date = a.sale_date;
