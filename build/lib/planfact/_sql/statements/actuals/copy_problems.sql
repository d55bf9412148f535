copy pg_temp.load_problem (line_no, column_name, reason, raw_line) from stdin
