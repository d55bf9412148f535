-- plan loads: whether the stage holds any planned day that is new or has other flags.
select exists (
    select 1
    from pg_temp.actuals_stage as st
    left join core.series as s on s.store_id = st.store_id and s.group_id = st.group_id
    left join core.planned_exogenous as p
        on p.series_id = s.series_id and p.plan_date = st.sale_date and p.valid_to_version is null
    where p.series_id is null
       or (p.promo, p.is_open, p.state_holiday, p.school_holiday)
          is distinct from
          (core.promo_value(st.promo), st.is_open, st.state_holiday, st.school_holiday)
)
