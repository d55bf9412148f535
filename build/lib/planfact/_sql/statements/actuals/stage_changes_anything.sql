-- whether the stage holds any row that is new or differs from the current data; checked
-- before a version id is taken, so a load that changes nothing leaves no gap in the ids.
select exists (
    select 1
    from pg_temp.actuals_stage as st
    left join core.series as s on s.store_id = st.store_id and s.group_id = st.group_id
    left join core.actuals as a
        on a.series_id = s.series_id and a.sale_date = st.sale_date and a.valid_to_version is null
    where a.series_id is null
       or (a.sales, a.promo, a.is_open, a.state_holiday, a.school_holiday, a.customers)
          is distinct from
          (st.sales, core.promo_value(st.promo), coalesce(st.is_open, true), st.state_holiday,
           st.school_holiday, st.customers)
)
