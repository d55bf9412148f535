-- fresh planner statistics on what a landing just loaded, before the mart refresh and the
-- forecast read it: a new month's days lie outside the old histograms, and autovacuum's
-- threshold (a tenth of a table) is not reached by one month of a long history
analyze core.actuals, core.planned_exogenous, core.data_version_month, core.series
