-- mart.series_level: the member each series rolls up to at every aggregation level.
-- grain: one row per series_id and level (8 rows per series).
-- levels: total ('all'), store_type, assortment, state, city, group, store, series
-- (member = series_id as text). Aggregating views join facts to this view and group by
-- (level, member), so every level is built by the same code and none is skipped.
create or replace view mart.series_level as
select
    d.series_id,
    l.level,
    l.member,
    l.level_order
from mart.series_dim as d
cross join lateral (
    values
        ('total', 'all', 1),
        ('store_type', d.store_type, 2),
        ('assortment', d.assortment, 3),
        ('state', d.state, 4),
        ('city', d.city, 5),
        ('group', d.group_id, 6),
        ('store', d.store_id, 7),
        ('series', d.series_id::text, 8)
) as l (level, member, level_order);
