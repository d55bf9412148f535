-- the member of every store-attribute level each store belongs to (for the drill-down).
-- grain: one row per store_id.
select distinct
    d.store_id,
    d.store_type,
    d.assortment,
    d.state,
    d.city
from mart.series_dim as d
order by d.store_id
