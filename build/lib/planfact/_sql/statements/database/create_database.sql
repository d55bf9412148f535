-- a new, empty database; {name} is composed as an identifier by planfact.db.admin
create database {name}
