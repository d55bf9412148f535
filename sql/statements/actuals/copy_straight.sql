-- the rows of a load that only adds days, straight into core.actuals (binary COPY, rows sorted
-- by series and day). {freeze}: ", freeze" for a first load into the table truncated in this
-- transaction (its rows are written frozen: no later pass sets their hint bits), else empty.
copy core.actuals ({columns}) from stdin with (format binary{freeze})
