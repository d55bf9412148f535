-- whether a data version exists. grain: one row.
select exists (select 1 from core.data_version as v where v.version_id = %(version_id)s)
