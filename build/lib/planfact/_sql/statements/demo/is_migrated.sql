-- whether the planfact schema exists in this database (before a reset or the first migration)
-- grain: one row
select to_regclass('core.data_version') is not null as migrated
