-- the holiday flag in its stored form ('0' for a normal day, else a code; see
-- core.holiday_value), after the row rules passed: every staged value is in its domain.
update pg_temp.actuals_stage as s
set state_holiday = core.holiday_value(s.state_holiday, %(codes)s, %(none)s)
where s.state_holiday is distinct from core.holiday_value(s.state_holiday, %(codes)s, %(none)s)
