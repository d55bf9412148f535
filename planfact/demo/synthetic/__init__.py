"""Deterministic demo data shaped like Kaggle's Favorita store sales (Ecuador).

``generate(size, seed)`` returns stores, holidays (from calendar rules) and daily sales per
store and product family with weekly and yearly seasonality, trends, promotions with lift,
holiday effects, closed days, zero-selling series and noise. The writers in ``files`` put
them on disk in the Kaggle layouts, month by month, the way a monthly feed would arrive.
``generate_messy`` is the "messy retail" profile: a store x department feed with returns,
boolean flag columns, series born and stopped during the history, sparse, intermittent and
tiny series (``messy``).
"""

from planfact.demo.synthetic.catalog import FAMILIES, SIZES, SizeSpec
from planfact.demo.synthetic.dataset import SyntheticData, generate
from planfact.demo.synthetic.holidays import holiday_calendar
from planfact.demo.synthetic.messy import MESSY_MAPPING, MessyData, generate_messy, write_messy

__all__ = [
    "FAMILIES",
    "SIZES",
    "GENERATOR_VERSION",
    "SizeSpec",
    "SyntheticData",
    "generate",
    "holiday_calendar",
    "MESSY_MAPPING",
    "MessyData",
    "generate_messy",
    "write_messy",
]

# Bump when the generated values change for the same arguments (cached demo feeds are rewritten).
GENERATOR_VERSION = 1
