-- data test template, unique: keys of the grain that occur more than once.
-- {view}, {columns}: identifiers composed by planfact.mart.
select {columns}, count(*) as occurrences
from {view}
group by {columns}
having count(*) > 1
