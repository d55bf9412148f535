-- a fresh table for one data version's rows, shaped like core.actuals; the check lets ATTACH
-- skip its validation scan. {name}, {check}: identifiers; {version}: the version id literal.
create table {name} (
    like core.actuals including defaults including constraints,
    constraint {check} check (valid_from_version = {version})
)
