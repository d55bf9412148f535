-- refreshes a populated materialized view without blocking its readers (needs a unique index).
refresh materialized view concurrently {view}
