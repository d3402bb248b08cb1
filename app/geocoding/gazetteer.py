"""The offline geocoder: the bundled gazetteer (gazetteer.yaml) behind geopy's Geocoder
interface, so the rest of the atlas treats it exactly like Nominatim. Pure local data:
it opens no connection (geopy's base class only builds an adapter it never uses)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from geopy.distance import great_circle
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

GAZETTEER_PATH = Path(__file__).with_name("gazetteer.yaml")
KINDS = ("country", "region", "city", "river", "border")
_NOT_LETTERS = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A name as it is compared: case, accents, spaces and punctuation do not count
    ("Sinŭiju" = "sinuiju", "Luang Prabang" = "luangprabang", "비엔티안 " = "비엔티안").
    NFKD splits Hangul syllables into jamo, consistently on both sides, so a Korean
    prefix still matches syllable by syllable."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_LETTERS.sub("", plain.casefold())


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[dict[str, Any], ...]
    seed_places: dict[str, str | None]

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        return next((e for e in self.entries if e["id"] == entry_id), None)


@lru_cache(maxsize=4)
def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = tuple(data["entries"])
    for entry in entries:
        if entry["kind"] not in KINDS:
            raise ValueError(f"{path}: {entry['id']} has an unknown kind {entry['kind']!r}")
    return Gazetteer(entries=entries, seed_places=dict(data.get("seed_places") or {}))


def names(entry: dict[str, Any]) -> list[str]:
    return [entry["en"], entry["ko"], *entry.get("aliases", []), entry["id"]]


class OfflineGazetteer(Geocoder):  # type: ignore[misc]  # geopy is untyped
    """geopy geocoder over the bundled gazetteer. `geocode` matches English and Korean
    names and aliases, exact matches first, then names the query begins; `reverse`
    gives the nearest entries. `language` ("en" or "ko") picks the display name."""

    provider = "offline"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__()
        self.gazetteer = gazetteer or load_gazetteer()

    def _location(self, entry: dict[str, Any], language: str | None) -> Location:
        korean = (language or "").lower().startswith("ko")
        name = entry["ko"] if korean else entry["en"]
        country = self.gazetteer.entry(entry["country"]) if entry.get("country") else None
        if country is not None:
            name += ", " + (country["ko"] if korean else country["en"])
        return Location(name, (entry["lat"], entry["lon"]), dict(entry))

    @staticmethod
    def _answer(found: list[Location], exactly_one: bool) -> Location | list[Location] | None:
        if not found:
            return None
        return found[0] if exactly_one else found

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,  # nothing to wait for: accepted for the interface
        language: str | None = None,
        limit: int | None = None,
    ) -> Location | list[Location] | None:
        key = name_key(str(query))
        if not key:
            return None
        exact, prefix = [], []
        for entry in self.gazetteer.entries:
            keys = [name_key(n) for n in names(entry)]
            if key in keys:
                exact.append(entry)
            elif len(key) >= 2 and any(k.startswith(key) for k in keys):
                prefix.append(entry)
        found = [self._location(e, language) for e in exact + prefix]
        return self._answer(found[:limit] if limit else found, exactly_one)

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        language: str | None = None,
        limit: int | None = None,
    ) -> Location | list[Location] | None:
        point = Point(query)
        by_distance = sorted(
            self.gazetteer.entries,
            key=lambda e: great_circle(point, (e["lat"], e["lon"])).km,
        )
        found = [self._location(e, language) for e in by_distance]
        return self._answer(found[:limit] if limit else found, exactly_one)
