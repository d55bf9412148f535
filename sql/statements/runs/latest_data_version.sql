-- the newest data version (null when nothing was loaded)
select max(version_id) as version_id
from core.data_version
