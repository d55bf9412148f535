-- mark the current database as made by `planfact demo`, so that --reset may drop it later
-- grain: no rows (a comment on the database)
do $$
begin
    execute format('comment on database %%I is %%L', current_database(), 'planfact demo');
end
$$
