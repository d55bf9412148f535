-- the baseline's target: an unindexed table with the staging types of Rossmann train.csv
create table raw_train (
    store text,
    day_of_week smallint,
    sale_date date,
    sales numeric(18, 4),
    customers integer,
    open boolean,
    promo text,
    state_holiday text,
    school_holiday boolean
)
