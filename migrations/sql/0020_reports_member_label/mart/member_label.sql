-- mart.member_label: the name a reader sees for every member of every aggregation level.
-- grain: one row per level and member (the members of mart.series_level).
-- Reports never show an internal id as the only name; they show this label (and the id
-- beside it for lookups). The source's own names win: a store_name or group_name the
-- source gave (anything but the bare id) is used as is. Otherwise the label is built from
-- the reference data:
--   store:  'Store 44 · Quito' (the city when known), else 'Store 262 · type b · assortment a';
--   group:  the group's name ('GROCERY I'); the single group of a source without groups is 'All products';
--   series: store label · group label ('Store 44 · Quito · GROCERY I'), or the store label
--           when the source has no product groups;
--   store_type / assortment: 'type b' / 'assortment a'; state, city: the name itself; total: 'Total'.
create or replace view mart.member_label as
with store_label as (
    select
        st.store_id,
        'Store ' || st.store_id || coalesce(
            ' · ' || case
                when nullif(btrim(st.store_name), '') is not null
                    and btrim(st.store_name) not in (st.store_id, 'Store ' || st.store_id)
                    then btrim(st.store_name)
                when nullif(btrim(st.city), '') is not null then btrim(st.city)
                else nullif(concat_ws(
                    ' · ',
                    'type ' || nullif(btrim(st.store_type), ''),
                    'assortment ' || nullif(btrim(st.assortment), '')
                ), '')
            end,
            ''
        ) as label
    from core.store as st
),
group_label as (
    select
        g.group_id,
        case
            when nullif(btrim(g.group_name), '') is not null and g.group_name <> g.group_id
                then btrim(g.group_name)
            when g.group_id = 'all' then 'All products'
            else g.group_id
        end as label
    from core.product_group as g
),
series_label as (
    select
        s.series_id,
        case
            when s.group_id = 'all' then sl.label
            else sl.label || ' · ' || gl.label
        end as label
    from core.series as s
    join store_label as sl on sl.store_id = s.store_id
    join group_label as gl on gl.group_id = s.group_id
)
select distinct
    l.level,
    l.member,
    l.level_order,
    case l.level
        when 'total' then 'Total'
        when 'store_type' then case when l.member = 'unknown' then 'unknown type' else 'type ' || l.member end
        when 'assortment' then
            case when l.member = 'unknown' then 'unknown assortment' else 'assortment ' || l.member end
        when 'state' then case when l.member = 'unknown' then 'unknown state' else l.member end
        when 'city' then case when l.member = 'unknown' then 'unknown city' else l.member end
        when 'group' then gl.label
        when 'store' then sl.label
        when 'series' then se.label
    end as label
from mart.series_level as l
join mart.series_dim as d on d.series_id = l.series_id
join store_label as sl on sl.store_id = d.store_id
join group_label as gl on gl.group_id = d.group_id
join series_label as se on se.series_id = d.series_id;
