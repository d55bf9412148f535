-- diagnosis: lines whose store or product group is not in the reference data (core.store,
-- core.product_group) when the load does not accept new ones; the group 'all' of feeds without
-- groups is always known. grain: one row per such line.
insert into pg_temp.load_problem (line_no, column_name, reason, raw_line)
select
    s.line_no,
    case when st.store_id is null then 'store_id' else 'group_id' end,
    case
        when st.store_id is null then 'store ' || quote_literal(s.store_id) || ' is not in core.store'
        else 'product group ' || quote_literal(s.group_id) || ' is not in core.product_group'
    end,
    t.raw_line
from pg_temp.actuals_stage as s
join pg_temp.actuals_stage_text as t on t.line_no = s.line_no
left join core.store as st on st.store_id = s.store_id
left join core.product_group as g on g.group_id = s.group_id
where s.store_id is not null and s.group_id is not null
  and (st.store_id is null or g.group_id is null and s.group_id <> 'all')
