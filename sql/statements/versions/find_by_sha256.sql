-- the newest version that loaded a file with this sha256: its period and how many files it had
-- (a file of a multi-file version may have been overridden by a later file of the set).
select f.version_id, f.period_start, f.period_end,
    (select count(*) from core.data_version_file as g where g.version_id = f.version_id) as files
from core.data_version_file as f
where f.source_sha256 = %(sha256)s
order by f.version_id desc
limit 1
