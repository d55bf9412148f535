-- wraps one data test: up to 5 offending rows and the count of all of them.
select t.*, count(*) over () as failing_rows
from ({test}) as t
limit 5
