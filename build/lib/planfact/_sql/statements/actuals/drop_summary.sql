-- the series summary is rebuilt after a quarantine removed the refused lines.
drop table pg_temp.load_series
