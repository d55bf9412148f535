-- stored month checksums of a version against the data read back as of that version.
select f.month, f.stored_rows, f.actual_rows, f.stored_checksum, f.actual_checksum, f.ok
from core.verify_data_version(%(version_id)s) as f
order by f.month
