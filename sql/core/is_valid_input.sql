-- core.is_valid_input(value, type): whether a text value casts to one of the staging types.
-- grain: one value. Used only when diagnosing a refused file (text staging), so the cost of
-- the exception block (a subtransaction per call) is paid on the error path, never on a clean load.
-- A date is read by the file rule core.iso_date (exactly YYYY-MM-DD), never by the lenient
-- ::date; a number by core.is_decimal (an integer by core.is_integer) before its cast, never
-- by the lenient numeric input alone ('NaN' passes: the row rule words it as not finite);
-- 'number' is any such numeric (to tell a number too large for numeric(18, 4) from text).
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
        when 'date' then
            if core.iso_date(p_value) is null then
                return false;
            end if;
        when 'numeric' then
            if not core.is_decimal(p_value) and p_value <> 'NaN' then
                return false;
            end if;
            perform p_value::numeric(18, 4);
        when 'number' then
            if not core.is_decimal(p_value) then
                return false;
            end if;
            perform p_value::numeric;
        when 'integer' then
            if not core.is_integer(p_value) then
                return false;
            end if;
            perform p_value::integer;
        when 'smallint' then
            if not core.is_integer(p_value) then
                return false;
            end if;
            perform p_value::smallint;
        when 'boolean' then perform p_value::boolean;
        else perform p_value::text;
    end case;
    return true;
exception when others then
    return false;
end
$$;
