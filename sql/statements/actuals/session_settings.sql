-- settings for one load transaction: DateStyle ISO (the stage's date check writes a day back as
-- YYYY-MM-DD, see create_stage; no file's date is cast with ::date), and memory
-- for the hash aggregates and index builds of a large first load.
-- synchronous_commit off: the commit returns without waiting for its WAL to reach the disk
-- (the WAL writer flushes it within about 3 x wal_writer_delay). A crash in that window loses
-- the whole load, never part of it: the database comes back at the previous version, and
-- loading the same file again redoes it. Consistency and atomicity are unchanged.
set local datestyle = 'ISO, YMD';
set local work_mem = '128MB';
set local maintenance_work_mem = '512MB';
set local synchronous_commit = off
