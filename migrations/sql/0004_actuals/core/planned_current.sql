-- core.planned_current: the known future exogenous values (promo, open, holidays) as loaded last.
-- grain: one row per series_id and plan_date.
create or replace view core.planned_current as
select
    p.series_id,
    p.plan_date,
    p.promo,
    p.is_open,
    p.state_holiday,
    p.school_holiday,
    p.valid_from_version
from core.planned_exogenous as p
where p.valid_to_version is null;
