-- the reader's name of every member of every aggregation level (mart.member_label).
-- grain: one row per level and member.
select l.level, l.member, l.label
from mart.member_label as l
