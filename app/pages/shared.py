"""Page data several views share, built once per dataset revision (cache.py): a
journey's page data is also what its embed, presentation, handout, map-data documents
and downloads are made from."""

from __future__ import annotations

from .builders import journey_page
from .cache import cached
from .records import Data


def journey_data(slug: str) -> Data:
    """A journey page's data, built once per dataset revision (also for other views)."""
    return cached(("journey", slug), lambda: journey_page(slug))
