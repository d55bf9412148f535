-- every data version with the file it came from and who loaded it
-- grain: one row per version_id
select
    v.version_id,
    v.source_name,
    v.source_sha256,
    v.loaded_by
from core.data_version as v
order by v.version_id
