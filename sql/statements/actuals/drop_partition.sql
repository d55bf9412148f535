-- a left-over, empty partition of a version id drawn again (see stale_partition)
drop table {name}
