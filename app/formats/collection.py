"""What a download holds: one journey, or the whole atlas, in one shape.

A collection is the journeys (each a journey page's data, with its legs and
citations), the hazards and the places to draw; every format reads this shape, so the
whole atlas is built by the same code as one journey.
"""

from __future__ import annotations

from ..pages.records import Data


def journey_collection(page: Data) -> Data:
    return {
        "title": page["title"],
        "slug": page["slug"],
        "url": page["url"],
        "journeys": [page],
        "hazards": page["hazards"],
        "places": page["places"],
    }


def atlas_collection(home: Data, pages: list[Data]) -> Data:
    """`home` is the home page's data: its map holds every hazard (also those of no
    journey) and every place the journeys and hazards need."""
    return {
        "title": home["title"],
        "slug": "atlas",
        "url": "/",
        "journeys": pages,
        "hazards": home["map"]["hazards"],
        "places": home["map"]["places"],
    }


def drawn_legs(page: Data) -> list[Data]:
    """The legs a map draws: told routes between two located places."""
    places = {p["slug"]: p for p in page["places"]}
    return [
        leg
        for leg in page["legs"]
        if leg["route"] == "known" and places[leg["from"]]["anchor"] and places[leg["to"]]["anchor"]
    ]


def located(hazard: Data, places: dict[str, Data]) -> Data | None:
    """The place a hazard is drawn at, or None when the sources do not tell where."""
    place = places.get(hazard["place"] or "")
    return place if place and place["anchor"] else None
