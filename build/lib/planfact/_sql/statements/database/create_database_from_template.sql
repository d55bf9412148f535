-- a copy of {template} (the tests' migrated template); both composed as identifiers
create database {name} template {template}
