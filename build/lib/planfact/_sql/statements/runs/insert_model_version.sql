-- the model catalogue: one row per distinct model specification; an existing id is kept as is
insert into forecast.model_version (model_version_id, model_name, params, library_versions)
values (%(model_version_id)s, %(model_name)s, %(params)s, %(library_versions)s)
on conflict (model_version_id) do nothing
