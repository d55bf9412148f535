-- the engine's input as of a data version and cutoff, streamed out with COPY as CSV
-- grain: one row per series and day (mart.export_training); y is null after the cutoff
copy (
    select
        series_id,
        ds,
        y,
        promo,
        is_open,
        is_holiday,
        school_holiday,
        store_id,
        group_id,
        store_type
    from mart.export_training(%(data_version)s, %(cutoff)s)
    order by series_id, ds
) to stdout with (format csv, header true)
