-- the installation's recorded calendar (none yet: no row)
-- grain: one row or none
select kind, spec from core.calendar_setting
