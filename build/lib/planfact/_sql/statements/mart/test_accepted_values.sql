-- data test template, accepted_values: values of {column} outside the accepted list (bound as values).
select {column}::text as value, count(*) as occurrences
from {view}
where {column} is not null
  and not ({column}::text = any (%(values)s::text[]))
group by {column}::text
