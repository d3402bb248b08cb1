"""Loading the hand-curated seed files into the database."""

from .load import SeedReport, seed_database
from .spec import SeedError

__all__ = ["SeedError", "SeedReport", "seed_database"]
