alter table core.actuals drop constraint {name}
