-- whether any key appears twice in the stage (needed when the target already has rows;
-- into an empty target the unique index refuses duplicates by itself).
select exists (
    select 1
    from pg_temp.actuals_stage as st
    group by st.store_id, st.group_id, st.sale_date
    having count(*) > 1
)
