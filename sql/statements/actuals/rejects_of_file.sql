-- whether the refused lines of a file (by its sha256) are kept already: a file that created no
-- version keeps its rejects once, however often it is sent again. grain: one row.
select exists (
    select 1 from core.rejected_row as r where r.source_sha256 = %(sha256)s
) as kept
