-- the one-line registry query the demo prints for people to paste into psql (no bind parameters)
select run_id, target_month, status, data_version, wape, actual_wape from mart.run_registry
