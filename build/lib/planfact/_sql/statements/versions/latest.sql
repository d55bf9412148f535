-- the newest data version, or null before the first load.
select max(v.version_id) from core.data_version as v
