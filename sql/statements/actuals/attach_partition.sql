-- the version's table becomes its partition of core.actuals: indexes already built on it are
-- taken as the partitions of the parent's, the foreign keys are validated once per key.
alter table core.actuals attach partition {name} for values in ({version})
