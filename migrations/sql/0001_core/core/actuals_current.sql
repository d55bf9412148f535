-- core.actuals_current: the latest version of every fact.
-- grain: one row per series_id and sale_date.
create or replace view core.actuals_current as
select
    a.series_id,
    a.sale_date,
    a.sales,
    a.promo,
    a.is_open,
    a.state_holiday,
    a.school_holiday,
    a.customers,
    a.valid_from_version
from core.actuals as a
where a.valid_to_version is null;
