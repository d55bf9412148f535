-- 0006 downgrade (before its DDL): rejects without a version cannot stay (version_id was not
-- null), nor can the group 'all' where no series uses it.
delete from core.rejected_row where version_id is null;
delete from core.product_group as g
where g.group_id = 'all' and not exists (select 1 from core.series as s where s.group_id = g.group_id)
