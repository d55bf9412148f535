-- bench/scale.py only: the model input of a monthly run streamed to the client (COPY, as the
-- run reads it), so ten times Rossmann is counted without holding it in memory.
copy (select * from mart.export_training(%(data_version)s, %(cutoff)s)) to stdout
