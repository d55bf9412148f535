"""The fixed catalogue behind the generator: sizes, product families and places.

Nothing random here: the generator draws from these tables with its seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SIZES", "SizeSpec", "Family", "FAMILIES", "CITIES", "STORE_TYPES", "make_stores", "families_for"]


@dataclass(frozen=True)
class SizeSpec:
    """How many stores and families a named size has, and which families."""

    name: str
    stores: int
    families: int
    description: str


SIZES: dict[str, SizeSpec] = {
    "tiny": SizeSpec("tiny", 3, 3, "3 stores x 3 families = 9 series (tests)"),
    "small": SizeSpec("small", 10, 30, "10 stores x 30 families = 300 series (the demo)"),
    "large": SizeSpec("large", 100, 33, "100 stores x 33 families = 3,300 series (benchmarks)"),
}


@dataclass(frozen=True)
class Family:
    """A product family of Favorita: mean daily units in an average store and its behaviour.

    ``kind`` drives the holiday and event reactions: food, drink, home, personal, leisure.
    ``by_weight`` families sell fractional quantities (kilograms); the others whole units.
    ``absent_share`` is the share of stores that never sell it (a zero-selling series).
    ``promo_rate`` is the weekly chance of a promotion week; ``promo_items`` the mean number of
    items of the family on promotion then; ``lift`` the sales lift of a full promotion.
    """

    name: str
    level: float
    kind: str
    by_weight: bool = False
    absent_share: float = 0.0
    promo_rate: float = 0.2
    promo_items: float = 4.0
    lift: float = 0.3


# Ordered so that the first 3 make the tiny size and the first 30 the small one.
FAMILIES: tuple[Family, ...] = (
    Family("GROCERY I", 3800, "food", promo_rate=0.45, promo_items=40, lift=0.35),
    Family("BEVERAGES", 2400, "drink", promo_rate=0.35, promo_items=20, lift=0.4),
    Family("PRODUCE", 1400, "food", by_weight=True, promo_rate=0.3, promo_items=10, lift=0.3),
    Family("CLEANING", 1100, "home", promo_rate=0.35, promo_items=12, lift=0.3),
    Family("DAIRY", 700, "food", promo_rate=0.3, promo_items=8, lift=0.35),
    Family("BREAD/BAKERY", 460, "food", by_weight=True, promo_rate=0.15, promo_items=3, lift=0.2),
    Family("POULTRY", 350, "food", by_weight=True, promo_rate=0.15, promo_items=2, lift=0.35),
    Family("MEATS", 340, "food", by_weight=True, promo_rate=0.15, promo_items=2, lift=0.35),
    Family("PERSONAL CARE", 270, "personal", promo_rate=0.3, promo_items=8, lift=0.3),
    Family("DELI", 260, "food", by_weight=True, promo_rate=0.2, promo_items=3, lift=0.25),
    Family("HOME CARE", 210, "home", promo_rate=0.25, promo_items=6, lift=0.3),
    Family("EGGS", 170, "food", promo_rate=0.1, promo_items=1, lift=0.2),
    Family("FROZEN FOODS", 150, "food", promo_rate=0.2, promo_items=3, lift=0.4),
    Family("PREPARED FOODS", 95, "food", by_weight=True, promo_rate=0.1, promo_items=1, lift=0.2),
    Family("LIQUOR,WINE,BEER", 85, "drink", absent_share=0.1, promo_rate=0.2, promo_items=3, lift=0.5),
    Family("SEAFOOD", 22, "food", by_weight=True, absent_share=0.05, promo_rate=0.1, promo_items=1),
    Family("GROCERY II", 21, "food", promo_rate=0.1, promo_items=1),
    Family("HOME AND KITCHEN I", 20, "home", promo_rate=0.1, promo_items=2),
    Family("HOME AND KITCHEN II", 17, "home", promo_rate=0.1, promo_items=2),
    Family("CELEBRATION", 8, "leisure", absent_share=0.1, promo_rate=0.05, promo_items=1),
    Family("LINGERIE", 7, "personal", promo_rate=0.05, promo_items=1),
    Family("AUTOMOTIVE", 6, "home", promo_rate=0.05, promo_items=1),
    Family("LADIESWEAR", 7, "personal", absent_share=0.15, promo_rate=0.05, promo_items=1),
    Family("PLAYERS AND ELECTRONICS", 6, "leisure", promo_rate=0.05, promo_items=1),
    Family("PET SUPPLIES", 4, "home", promo_rate=0.05, promo_items=1),
    Family("LAWN AND GARDEN", 6, "home", absent_share=0.1, promo_rate=0.05, promo_items=1),
    Family("SCHOOL AND OFFICE SUPPLIES", 3, "leisure", promo_rate=0.05, promo_items=1),
    Family("BEAUTY", 3.7, "personal", promo_rate=0.05, promo_items=1),
    Family("MAGAZINES", 3, "leisure", promo_rate=0.0, promo_items=0),
    Family("BOOKS", 0.4, "leisure", absent_share=0.6, promo_rate=0.0, promo_items=0),
    Family("HARDWARE", 1.2, "home", promo_rate=0.02, promo_items=1),
    Family("HOME APPLIANCES", 0.5, "home", absent_share=0.2, promo_rate=0.0, promo_items=0),
    Family("BABY CARE", 0.3, "personal", absent_share=0.5, promo_rate=0.0, promo_items=0),
)

# (city, state, weight): where stores are; the first rows come first so small sizes spread out.
CITIES: tuple[tuple[str, str, float], ...] = (
    ("Quito", "Pichincha", 18),
    ("Guayaquil", "Guayas", 8),
    ("Cuenca", "Azuay", 3),
    ("Santo Domingo", "Santo Domingo de los Tsachilas", 3),
    ("Ambato", "Tungurahua", 2),
    ("Manta", "Manabi", 2),
    ("Machala", "El Oro", 2),
    ("Latacunga", "Cotopaxi", 2),
    ("Salinas", "Santa Elena", 1),
    ("Ibarra", "Imbabura", 1),
    ("Loja", "Loja", 1),
    ("Riobamba", "Chimborazo", 1),
    ("Babahoyo", "Los Rios", 1),
    ("Quevedo", "Los Rios", 1),
    ("Esmeraldas", "Esmeraldas", 1),
    ("Daule", "Guayas", 1),
    ("Libertad", "Guayas", 1),
    ("Playas", "Guayas", 1),
    ("Cayambe", "Pichincha", 1),
    ("Guaranda", "Bolivar", 1),
    ("Puyo", "Pastaza", 1),
    ("El Carmen", "Manabi", 1),
)

# Store type -> size factor (type A are the hypermarkets).
STORE_TYPES: dict[str, float] = {"A": 1.9, "B": 1.0, "C": 0.65, "D": 1.15, "E": 0.75}
_TYPE_WEIGHTS = np.array([0.2, 0.15, 0.3, 0.27, 0.08])
_FIRST_CITIES = 12  # stores 1..12 take one city each, in table order


def families_for(spec: SizeSpec) -> tuple[Family, ...]:
    """The families of a size: the first ``spec.families`` of the catalogue."""
    return FAMILIES[: spec.families]


def make_stores(rng: np.random.Generator, count: int) -> pd.DataFrame:
    """``count`` stores in Favorita's stores.csv layout: store_nbr, city, state, type, cluster.

    The first stores take distinct cities so that even small sizes have regional and local
    holidays in several places; the rest are drawn by city weight.
    """
    weights = np.array([w for _, _, w in CITIES], dtype=float)
    drawn = rng.choice(len(CITIES), size=count, p=weights / weights.sum())
    picks = [i if i < _FIRST_CITIES else int(drawn[i]) for i in range(count)]
    types = rng.choice(list(STORE_TYPES), size=count, p=_TYPE_WEIGHTS)
    if count >= 3:
        types[:3] = ["A", "D", "C"]  # a spread of sizes even in the tiny set
    clusters = rng.integers(1, 18, size=count)
    return pd.DataFrame(
        {
            "store_nbr": np.arange(1, count + 1),
            "city": [CITIES[i][0] for i in picks],
            "state": [CITIES[i][1] for i in picks],
            "type": types.astype(str),
            "cluster": clusters,
        }
    )
