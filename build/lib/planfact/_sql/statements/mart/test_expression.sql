-- data test template, expression: rows for which {expression} (from a tests file in
-- sql/mart/tests/) is false; a null result passes, as in dbt's expression_is_true.
select {show}
from {view}
where not ({expression})
