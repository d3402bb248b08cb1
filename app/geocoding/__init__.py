"""Looking places up through geopy: the bundled offline gazetteer by default, Nominatim
when opted in (ATLAS_GEOCODER=nominatim), answers cached in the database. Used by
`flask geocode` and the editor's place form, never while rendering a page."""

from __future__ import annotations

from .gazetteer import OfflineGazetteer, load_gazetteer, name_key
from .service import Candidate, LookupResult, lookup

__all__ = [
    "Candidate",
    "LookupResult",
    "OfflineGazetteer",
    "load_gazetteer",
    "lookup",
    "name_key",
]
