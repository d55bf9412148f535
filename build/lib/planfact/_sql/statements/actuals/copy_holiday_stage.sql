copy pg_temp.holiday_stage (
    holiday_date, scope, locale_name, kind, description, transferred, line_no
) from stdin
