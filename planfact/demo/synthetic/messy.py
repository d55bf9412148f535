"""The "messy retail" profile: a store x department feed as real ones arrive, not as Kaggle's do.

Built on the Favorita-like panel of ``generate`` (same seasonality, promotions and holidays),
then made messy, deterministically from the seed:

- returns: sales are net of returns, so quiet days of small departments go negative;
- boolean flag columns written ``TRUE``/``FALSE`` (promotion, store open, holiday), which the
  mapping declares boolean so they land as booleans, never as text;
- series born during the history (a department opened late) and series that stop (discontinued);
- sparse series (only days with sales are reported) and intermittent ones (most days zero);
- a few very small series beside large ones.

One row per store, department and reported day: ``store,department,day,net_sales,on_promo,
open,holiday``. ``MESSY_MAPPING`` is the mapping TOML that loads it (``planfact load actuals
FILE --mapping messy_mapping.toml --new-stores`` after ``planfact load stores stores.csv.gz``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from planfact.demo.synthetic.dataset import SyntheticData, generate
from planfact.demo.synthetic.files import write_csv_gz, write_reference_files

__all__ = ["MESSY_COLUMNS", "MESSY_MAPPING", "MessyData", "generate_messy", "write_messy"]

MESSY_COLUMNS = ["store", "department", "day", "net_sales", "on_promo", "open", "holiday"]
MESSY_MAPPING = """\
# The mapping of the "messy retail" feed (planfact data generate --profile messy).
name = "messy-retail"
frequency = "daily"
allow_negative_sales = true      # net sales: returns make some days negative
[columns]
store_id = "store"
group_id = "department"
sale_date = "day"
sales = "net_sales"
promo = "on_promo"
is_open = "open"
state_holiday = "holiday"
[flags.state_holiday]
type = "boolean"                 # TRUE/FALSE: stored as '1'/'0', read as a holiday only when TRUE
"""
# The departments of the tiny profile: a spread from the largest to the smallest families.
_TINY_FAMILIES = ("GROCERY I", "DAIRY", "EGGS", "SEAFOOD", "CELEBRATION", "BOOKS")
_DAY_OFF = ("Holiday", "Transfer", "Additional", "Bridge")


@dataclass(frozen=True)
class MessyData:
    """A messy feed: ``sales`` in the layout above, the stores and holidays of its base data,
    and which series were made born, stopped, sparse, intermittent or tiny (for tests)."""

    base: SyntheticData
    sales: pd.DataFrame
    traits: dict[str, list[tuple[int, str]]]

    @property
    def stores(self) -> pd.DataFrame:
        return self.base.stores

    @property
    def holidays(self) -> pd.DataFrame:
        return self.base.holidays

    def months(self) -> list[date]:
        """First days of the months that have rows."""
        periods = pd.to_datetime(self.sales["day"]).dt.to_period("M").unique()
        return [p.to_timestamp().date() for p in sorted(periods)]

    def month_rows(self, month: date) -> pd.DataFrame:
        return self.sales.loc[self.sales["day"].str.startswith(f"{month:%Y-%m}")]


def _holiday_days(base: SyntheticData) -> pd.DataFrame:
    """(date, store_nbr) pairs that are a day off at the store (national, regional or local)."""
    days = base.holidays.loc[base.holidays["type"].isin(_DAY_OFF) & ~base.holidays["transferred"]]
    stores = base.stores
    pairs = []
    for row in days.itertuples(index=False):
        if row.locale == "National":
            hit = stores["store_nbr"]
        else:
            column = "state" if row.locale == "Regional" else "city"
            hit = stores.loc[stores[column] == row.locale_name, "store_nbr"]
        pairs.append(pd.DataFrame({"date": row.date, "store_nbr": hit.to_numpy()}))
    return (
        pd.concat(pairs, ignore_index=True).drop_duplicates()
        if pairs
        else pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "store_nbr": pd.Series(dtype="int64")})
    )


def _pick(rng: np.random.Generator, keys: list[tuple[int, str]], share: float, taken: set) -> list:
    free = [k for k in keys if k not in taken]
    count = min(len(free), max(1, round(share * len(keys))))
    if count == 0:
        return []
    chosen = [free[i] for i in sorted(rng.choice(len(free), size=count, replace=False))]
    taken.update(chosen)
    return chosen


def generate_messy(
    size: str = "small", seed: int = 7, start: str | date = "2013-01-01", end: str | date = "2015-12-31"
) -> MessyData:
    """Generate the messy feed (see the module doc); identical frames for identical arguments.

    ``tiny`` is 3 stores x 6 departments (18 series), ``small`` 300, ``large`` 3,300.
    """
    base = generate("small" if size == "tiny" else size, seed=seed, start=start, end=end)
    frame = base.sales
    if size == "tiny":
        frame = frame.loc[frame["store_nbr"].le(3) & frame["family"].isin(_TINY_FAMILIES)]
        base = SyntheticData(size, seed, base.stores.iloc[:3].copy(), base.holidays, frame)
    rng = np.random.default_rng([seed, 2024])
    frame = frame[["date", "store_nbr", "family", "sales", "onpromotion"]].copy()
    frame["family"] = frame["family"].astype(str)
    keys = sorted(set(zip(frame["store_nbr"], frame["family"], strict=True)))
    selling = frame.loc[frame["sales"] > 0].groupby(["store_nbr", "family"]).size()
    # Traits go to series that sell at all (a family a store never sells stays as it is).
    taken: set[tuple[int, str]] = {k for k in keys if k not in selling.index}
    traits = {
        "born": _pick(rng, keys, 0.05, taken),
        "stopped": _pick(rng, keys, 0.05, taken),
        "sparse": _pick(rng, keys, 0.1, taken),
        "intermittent": _pick(rng, keys, 0.1, taken),
        "tiny": _pick(rng, keys, 0.04, taken),
    }
    # One integer per series and one per day: the traits become per-series arrays.
    number = {key: i for i, key in enumerate(keys)}
    code = np.array([number[k] for k in zip(frame["store_nbr"], frame["family"], strict=True)])
    day = ((frame["date"] - frame["date"].min()) / pd.Timedelta(days=1)).to_numpy().astype(int)
    span = int(day.max())

    def flagged(name: str) -> np.ndarray:
        return np.isin(code, [number[k] for k in traits[name]])

    first_day = np.zeros(len(keys), dtype=int)
    last_day = np.full(len(keys), span)
    for key in traits["born"]:
        first_day[number[key]] = int(rng.uniform(0.3, 0.7) * span)
    for key in traits["stopped"]:
        last_day[number[key]] = int(rng.uniform(0.6, 0.9) * span)
    keep = (day >= first_day[code]) & (day <= last_day[code])
    sales = frame["sales"].to_numpy(dtype=float).copy()
    hit = flagged("intermittent")
    sales[hit] = np.where(rng.random(int(hit.sum())) < 0.15, np.maximum(sales[hit], 1.0), 0.0)
    hit = flagged("tiny")
    sales[hit] = rng.poisson(sales[hit] * 0.05)
    # Returns: about 2 % of what sold comes back, and on about 3 % of the open days a customer
    # returns a few items: the quiet days of small departments go negative, big ones never do.
    store_day_sales = (
        pd.Series(frame["sales"].to_numpy())
        .groupby([frame["date"].to_numpy(), frame["store_nbr"].to_numpy()])
        .transform("sum")
        .to_numpy()
    )
    level = np.bincount(code, weights=sales, minlength=len(keys)) / np.maximum(
        np.bincount(code, minlength=len(keys)), 1
    )
    event = (rng.random(len(sales)) < 0.03) & (store_day_sales > 0) & (level[code] > 0)
    back = rng.poisson(0.02 * np.maximum(sales, 0)) + event * rng.poisson(np.maximum(1.0, 0.05 * level[code]))
    net = np.round(sales - back, 3)
    keep &= ~(flagged("sparse") & (net == 0))
    off = _holiday_days(base).assign(holiday=True)
    holiday = frame[["date", "store_nbr"]].merge(off, how="left", on=["date", "store_nbr"])["holiday"]
    out = pd.DataFrame(
        {
            "store": frame["store_nbr"].to_numpy(),
            "department": frame["family"].to_numpy(),
            "day": frame["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "net_sales": net,
            "on_promo": np.where(frame["onpromotion"].to_numpy() > 0, "TRUE", "FALSE"),
            "open": np.where(store_day_sales > 0, "TRUE", "FALSE"),
            "holiday": np.where(holiday.fillna(False).to_numpy(dtype=bool), "TRUE", "FALSE"),
        }
    )
    out = out.loc[keep].reset_index(drop=True)
    return MessyData(base=base, sales=out[MESSY_COLUMNS], traits=traits)


def write_messy(data: MessyData, out_dir: Path, *, by_month: bool = False) -> list[Path]:
    """Write ``stores.csv.gz``, ``holidays_events.csv.gz``, the feed ``messy_sales.csv.gz``,
    its ``messy_mapping.toml`` and, ``by_month``, one ``actuals_YYYY-MM.csv.gz`` per month."""
    written = list(write_reference_files(data.base, out_dir).values())
    written.append(write_csv_gz(data.sales, out_dir / "messy_sales.csv.gz"))
    mapping = out_dir / "messy_mapping.toml"
    mapping.write_text(MESSY_MAPPING, encoding="utf-8")
    written.append(mapping)
    if by_month:
        for month in data.months():
            written.append(write_csv_gz(data.month_rows(month), out_dir / f"actuals_{month:%Y-%m}.csv.gz"))
    return written
