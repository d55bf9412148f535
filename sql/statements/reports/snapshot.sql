-- one consistent snapshot for every read of a report (must be the transaction's first statement).
-- jit off: each report query reads at most a few hundred thousand mart rows, where compiling
-- its expressions costs more than it saves (about 0.25 s a query on a server built with LLVM).
set transaction isolation level repeatable read, read only;
set local jit = off
