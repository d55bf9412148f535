-- restatements: current rows whose values the file changes are closed at this version.
-- The partial unique index core.actuals_current_key finds each current row.
update core.actuals as a
set valid_to_version = %(version_id)s
from pg_temp.actuals_stage as st
join core.series as s on s.store_id = st.store_id and s.group_id = st.group_id
where a.series_id = s.series_id
  and a.sale_date = st.sale_date
  and a.valid_to_version is null
  and (a.sales, a.promo, a.is_open, a.state_holiday, a.school_holiday, a.customers)
      is distinct from
      (st.sales, core.promo_value(st.promo), coalesce(st.is_open, true), st.state_holiday,
       st.school_holiday, st.customers)
