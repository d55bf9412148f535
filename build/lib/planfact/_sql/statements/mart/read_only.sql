-- data tests only read: the whole test run is one read-only transaction.
set transaction read only
