-- cluster-wide roles; created only when missing (several databases share a server,
-- and concurrent test sessions may race to create them).
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'planfact_etl') then
        begin
            create role planfact_etl nologin;
        exception when duplicate_object or unique_violation then null;
        end;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'planfact_reader') then
        begin
            create role planfact_reader nologin;
        exception when duplicate_object or unique_violation then null;
        end;
    end if;
end
$$;
