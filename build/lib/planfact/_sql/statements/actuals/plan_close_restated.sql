-- plan loads: current planned rows whose flags the file changes are closed at this version.
update core.planned_exogenous as p
set valid_to_version = %(version_id)s
from pg_temp.actuals_stage as st
join core.series as s on s.store_id = st.store_id and s.group_id = st.group_id
where p.series_id = s.series_id
  and p.plan_date = st.sale_date
  and p.valid_to_version is null
  and (p.promo, p.is_open, p.state_holiday, p.school_holiday)
      is distinct from
      (core.promo_value(st.promo), st.is_open, st.state_holiday, st.school_holiday)
