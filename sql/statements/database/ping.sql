-- proves a connection works (the demo checks psql can reach the database)
select 1
