-- data test template, not_null: rows whose {column} is null (shown by their grain).
select {show}
from {view}
where {column} is null
