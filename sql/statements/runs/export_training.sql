-- the engine's input as of a data version and cutoff, streamed out with COPY as CSV
-- grain: one row per series and day (mart.export_training); y is null after the cutoff.
-- The series run %(run_id)s left out (forecast.run_excluded_series) are not read; a null run_id
-- reads every series.
copy (
    select
        t.series_id,
        t.ds,
        t.y,
        t.promo,
        t.is_open,
        t.is_holiday,
        t.school_holiday,
        t.store_id,
        t.group_id,
        t.store_type
    from mart.export_training(%(data_version)s, %(cutoff)s) as t
    where not exists (
        select 1
        from forecast.run_excluded_series as e
        where e.run_id = %(run_id)s
          and e.series_id = t.series_id
    )
    order by t.series_id, t.ds
) to stdout with (format csv, header true)
