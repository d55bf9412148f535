-- 0006 downgrade (before its DDL): rejects without a version cannot stay (version_id was not null).
delete from core.rejected_row where version_id is null
