drop index {name}
