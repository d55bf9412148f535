-- data test template, finite: rows whose measure {column} is NaN or infinite (numeric and
-- float columns alike; PostgreSQL orders NaN above every number, so range tests miss it).
select {show}, {column}
from {view}
where {column}::double precision in ('NaN', 'Infinity', '-Infinity')
