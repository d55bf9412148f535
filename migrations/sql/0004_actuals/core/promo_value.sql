-- core.promo_value(text): a promo flag or count as integer; null when unparsable.
-- grain: one value. Accepts counts ('0', '3': Favorita onpromotion) and booleans
-- ('True'/'False', the 2017 Favorita file); empty means no promotion.
create or replace function core.promo_value(p_value text)
returns integer
language sql
immutable
as $$
    select case
        when p_value is null or p_value = '' or p_value = '0' then 0
        when p_value = '1' then 1
        when p_value ~ '^[0-9]{1,9}$' then p_value::integer
        when lower(p_value) in ('true', 't', 'yes') then 1
        when lower(p_value) in ('false', 'f', 'no') then 0
    end
$$;
