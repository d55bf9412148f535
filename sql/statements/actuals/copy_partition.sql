-- the rows of a load that only adds days, straight into its fresh partition (binary COPY;
-- FREEZE: the table was created in this transaction, so its rows are written frozen).
copy {name} ({columns}) from stdin with (format binary, freeze)
