-- core.is_valid_input(value, type): whether a text value casts to one of the staging types.
-- grain: one value. Used only when diagnosing a refused file (text staging), so the cost of
-- the exception block (a subtransaction per call) is paid on the error path, never on a clean load.
-- Casts run under the loader's DateStyle (ISO, YMD), exactly like the typed COPY of the fast path.
create or replace function core.is_valid_input(p_value text, p_type text)
returns boolean
language plpgsql
stable
as $$
begin
    if p_value is null then
        return true;
    end if;
    case p_type
        when 'date' then perform p_value::date;
        when 'numeric' then perform p_value::numeric(18, 4);
        when 'integer' then perform p_value::integer;
        when 'smallint' then perform p_value::smallint;
        when 'boolean' then perform p_value::boolean;
        else perform p_value::text;
    end case;
    return true;
exception when others then
    return false;
end
$$;
