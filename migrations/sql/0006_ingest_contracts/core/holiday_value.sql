-- core.holiday_value(value, codes, none_code): a state holiday as stored, or null when empty or
-- outside its declared domain. grain: one value.
-- Stored form: '0' for a normal day, else the holiday's code, so every reader can keep asking
-- state_holiday <> '0'. p_codes null: the column is a boolean (true -> '1', false -> '0');
-- else the value must be one of p_codes (exact match) and the none code is stored as '0'.
create or replace function core.holiday_value(p_value text, p_codes text[], p_none text)
returns text
language sql
immutable
parallel safe
as $$
    select case
        when p_value is null or btrim(p_value) = '' then null
        when p_codes is null then
            case core.flag_value(p_value) when true then '1' when false then '0' end
        when p_value = any (p_codes) then
            case when p_value = p_none then '0' else p_value end
    end
$$;
