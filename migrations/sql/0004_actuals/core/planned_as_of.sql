-- core.planned_as_of(version): the planned exogenous values exactly as they stood after p_version.
-- grain: one row per series_id and plan_date. Null flags mean "not known": the mart applies defaults.
create or replace function core.planned_as_of(p_version integer)
returns table (
    series_id integer,
    plan_date date,
    promo integer,
    is_open boolean,
    state_holiday text,
    school_holiday boolean,
    valid_from_version integer
)
language sql
stable
as $$
    select
        p.series_id,
        p.plan_date,
        p.promo,
        p.is_open,
        p.state_holiday,
        p.school_holiday,
        p.valid_from_version
    from core.planned_exogenous as p
    where p.valid_from_version <= p_version
      and (p.valid_to_version is null or p.valid_to_version > p_version)
$$;
