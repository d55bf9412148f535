-- bench/mart.py only: the model input of a monthly run, every row sent to the client.
select *
from mart.export_training(%(data_version)s, %(cutoff)s)
