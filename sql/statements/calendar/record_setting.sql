-- record the installation's calendar (once: a second recorder finds the row and changes nothing)
insert into core.calendar_setting (kind, spec)
values (%(kind)s, %(spec)s)
on conflict (singleton) do nothing
