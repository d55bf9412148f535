-- holidays keyed by day, locale and description; a repeated key keeps its last line.
insert into core.holiday as h (holiday_date, scope, locale_name, kind, description, transferred)
select distinct on (st.holiday_date, st.locale_name, st.description)
    st.holiday_date, st.scope, st.locale_name, st.kind, st.description, st.transferred
from pg_temp.holiday_stage as st
order by st.holiday_date, st.locale_name, st.description, st.line_no desc
on conflict (holiday_date, locale_name, description) do update
set scope = excluded.scope,
    kind = excluded.kind,
    transferred = excluded.transferred
