-- fresh planner statistics after a refresh, so reads of one month use the indexes.
analyze {view}
