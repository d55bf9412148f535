-- drops a view, materialized view or function named in sql/; {kind} and {name} come from our own files
drop {kind} if exists {name}
