-- the newest data version (null when nothing was loaded yet)
-- grain: one row
select max(version_id) as version_id
from core.data_version
