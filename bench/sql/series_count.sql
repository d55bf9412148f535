-- bench/scale.py only: the number of series of a run's database (engine time per series)
select count(*) from core.series
