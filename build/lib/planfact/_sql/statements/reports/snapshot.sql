-- one consistent snapshot for every read of a report (must be the transaction's first statement).
set transaction isolation level repeatable read, read only
