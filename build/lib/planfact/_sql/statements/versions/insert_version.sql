-- a new data version; the counts are filled in when the load has applied its rows.
insert into core.data_version (source_name, source_sha256, layout, loaded_by, note)
values (%(source_name)s, %(sha256)s, %(layout)s, coalesce(%(loaded_by)s, current_user), %(note)s)
returning version_id
