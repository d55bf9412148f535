-- statistics of a freshly built partition (the parent's recurse into every partition)
analyze {name}
