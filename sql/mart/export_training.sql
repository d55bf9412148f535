-- mart.export_training(p_data_version, p_cutoff[, p_series_ids]): the model input.
-- grain: one row per series_id and ds, every day from the series' first actual to the last
-- day of the period after the cutoff's period (of the installation's calendar, core.period_end: the
-- month after the cutoff's month on calendar months).
-- Facts are read exactly as of data version p_data_version (a row is visible from the version
-- that wrote it until the version that restated it), so a past run's input reads back
-- unchanged after later loads. Only actuals up to p_cutoff are used:
--   days <= cutoff with an actual row: y = sales, flags as reported;
--   days without an actual row take the known (planned) flags of core.planned_exogenous as of
--   the same data version (null flags there mean unknown), else defaults:
--     a gap in the history (day <= cutoff): y null, promo 0, is_open 1 (missing, not closed),
--       school_holiday 0;
--     the forecast horizon (day > cutoff): y null, promo 0, is_open = majority of the same
--       weekday over the 4 weeks up to the cutoff (1 when none), school_holiday 0.
-- is_holiday = core.calendar.is_holiday or a state_holiday (reported or planned) other than '0'.
-- p_series_ids (optional) restricts the export to some series (a shard of a run).
-- Rows come ordered by series_id, ds (callers need not sort them again).
-- security definer: readers of the mart may call it without access to core.
create or replace function mart.export_training(
    p_data_version integer,
    p_cutoff date,
    p_series_ids integer[] default null
)
returns table (
    series_id integer,
    ds date,
    y double precision,
    promo double precision,
    is_open integer,
    is_holiday integer,
    school_holiday integer,
    store_id text,
    group_id text,
    store_type text
)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
set work_mem = '256MB'
set jit = off
-- the planner sees 200 series x 1000 days where there are 1,115 x 942: with merge joins it
-- sorts the million rows three times; hash joins need the one sort of the result
set enable_mergejoin = off
as $$
#variable_conflict use_column
declare
    v_horizon_end date;
begin
    if p_cutoff is null then
        raise exception 'mart.export_training: p_cutoff must not be null'
            using errcode = 'invalid_parameter_value';
    end if;
    if p_data_version is null
        or not exists (select 1 from core.data_version as v where v.version_id = p_data_version) then
        raise exception 'mart.export_training: data version % does not exist', p_data_version
            using errcode = 'invalid_parameter_value';
    end if;
    v_horizon_end := core.period_end(core.period_end(p_cutoff) + 1);

    return query
    with facts as (
        select
            a.series_id,
            a.sale_date,
            a.sales,
            a.promo,
            a.is_open,
            a.state_holiday,
            a.school_holiday
        from core.actuals as a
        where a.valid_from_version <= p_data_version
          and (a.valid_to_version is null or a.valid_to_version > p_data_version)
          and a.sale_date <= p_cutoff
          and (p_series_ids is null or a.series_id = any (p_series_ids))
    ),
    planned as (
        select
            p.series_id,
            p.plan_date,
            p.promo,
            p.is_open,
            p.state_holiday,
            p.school_holiday
        from core.planned_exogenous as p
        where p.valid_from_version <= p_data_version
          and (p.valid_to_version is null or p.valid_to_version > p_data_version)
          and p.plan_date <= v_horizon_end
          and (p_series_ids is null or p.series_id = any (p_series_ids))
    ),
    span as (
        select f.series_id, min(f.sale_date) as first_day
        from facts as f
        group by f.series_id
    ),
    recent_open as (
        select
            f.series_id,
            extract(isodow from f.sale_date)::smallint as day_of_week,
            (2 * count(*) filter (where f.is_open) >= count(*))::integer as is_open
        from facts as f
        where f.sale_date > p_cutoff - 28
        group by f.series_id, extract(isodow from f.sale_date)
    ),
    days as (
        select s.series_id, g.day::date as ds
        from span as s
        cross join lateral generate_series(s.first_day, v_horizon_end, interval '1 day') as g (day)
    )
    select
        d.series_id,
        d.ds,
        f.sales::double precision as y,
        coalesce(f.promo, p.promo, 0)::double precision as promo,
        coalesce(
            f.is_open::integer,
            p.is_open::integer,
            case when d.ds > p_cutoff then ro.is_open end,
            1
        ) as is_open,
        (c.is_holiday or coalesce(f.state_holiday, p.state_holiday, '0') <> '0')::integer as is_holiday,
        coalesce(f.school_holiday::integer, p.school_holiday::integer, 0) as school_holiday,
        sd.store_id,
        sd.group_id,
        sd.store_type
    from days as d
    join core.calendar as c on c.calendar_date = d.ds
    join mart.series_dim as sd on sd.series_id = d.series_id
    left join facts as f on f.series_id = d.series_id and f.sale_date = d.ds
    left join planned as p on p.series_id = d.series_id and p.plan_date = d.ds
    left join recent_open as ro
        on ro.series_id = d.series_id
        and ro.day_of_week = c.day_of_week
        and d.ds > p_cutoff
    order by d.series_id, d.ds;
end
$$;
