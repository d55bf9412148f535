select v.version_id from core.data_version as v where v.source_sha256 = %(sha256)s
