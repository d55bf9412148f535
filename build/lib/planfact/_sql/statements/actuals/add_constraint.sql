alter table core.actuals add constraint {name} {definition}
