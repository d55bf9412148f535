-- core.flag_value(text): a boolean flag as read from a source file; null when empty or not a boolean.
-- grain: one value. The words PostgreSQL's boolean input takes (0/1, true/false, t/f, yes/no,
-- on/off and their prefixes, any case, spaces around), so a text column declared boolean reads
-- exactly like the typed boolean columns of the staging table.
create or replace function core.flag_value(p_value text)
returns boolean
language sql
immutable
parallel safe
as $$
    select case
        when p_value ~* '^\s*(1|t|tr|tru|true|y|ye|yes|on)\s*$' then true
        when p_value ~* '^\s*(0|f|fa|fal|fals|false|n|no|of|off)\s*$' then false
    end
$$;
