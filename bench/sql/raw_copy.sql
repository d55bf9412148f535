-- the baseline without psql: the raw CSV bytes through psycopg's COPY
copy raw_train from stdin with (format csv, header true)
