copy core.rejected_row (version_id, source_name, source_sha256, line_no, column_name, reason, raw_line)
from stdin
