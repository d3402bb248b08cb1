"""A journey as an RFC 7946 FeatureCollection, built from the journey page's own data.

Legs are LineStrings as every map draws them (app/maps/leg_paths.py; schematic, say
their properties), or null geometry where the sources do not tell the route;
stops and hazards are Points where the sources give a point, otherwise the area
of their place (Polygon/MultiPolygon for countries and circles, LineString for
rivers and borders).
"""

from __future__ import annotations

from typing import Any

from ..geo import circle_ring
from ..maps.leg_paths import LINE, leg_path, schematic_note
from .records import Data


def _lonlat(anchor: list[float]) -> list[float]:
    return [anchor[1], anchor[0]]


def place_geometry(place: Data) -> dict[str, Any] | None:
    area = place["area"]
    if not place["approximate"] and place["anchor"]:
        return {"type": "Point", "coordinates": _lonlat(place["anchor"])}
    if area.get("geometry"):
        geometry: dict[str, Any] = area["geometry"]
        return geometry
    if area["kind"] == "circle" and place["anchor"]:
        return {"type": "Polygon", "coordinates": [circle_ring(place["anchor"], area["radius_km"])]}
    return None


def _citations(item: Data, absolute: str) -> list[Data]:
    return [
        {
            "source": c["source"],
            "file": c["file"],
            "passage": c["passage"],
            "quote": c["quote"],
            "url": absolute + c["url"],
        }
        for c in item["citations"]
    ]


def hazard_feature(hazard: Data, places: dict[str, Data], order: int, absolute: str) -> Data:
    """A hazard at its place (also used by the whole atlas for hazards of no journey)."""
    place = places.get(hazard["place"] or "")
    return {
        "type": "Feature",
        "id": f"hazard-{hazard['slug']}",
        "geometry": place_geometry(place) if place else None,
        "properties": {
            "kind": "hazard",
            "order": order,
            "precision": hazard["precision"],
            "distance_km": None,
            "name": hazard["name"],
            "hazard_kind": hazard["kind"],
            "place": hazard["place_name"],
            "summary": hazard["summary"],
            "source_count": hazard["source_count"],
            "citations": _citations(hazard, absolute),
        },
    }


def leg_drawing_note(leg: Data) -> str:
    return schematic_note(leg.get("drawing") or LINE, leg.get("through"))


def journey_geojson(page: Data, absolute: str = "") -> Data:
    """`absolute` is prefixed to citation links (the site's root URL, without a slash)."""
    places = {p["slug"]: p for p in page["places"]}
    features: list[Data] = []
    for leg in page["legs"]:
        drawn = leg_path(leg, places)
        geometry = (
            {"type": "LineString", "coordinates": [_lonlat(p) for p in drawn.points]}
            if drawn is not None
            else None
        )
        features.append(
            {
                "type": "Feature",
                "id": f"leg-{leg['order']}",
                "geometry": geometry,
                "properties": {
                    "kind": "leg",
                    "order": leg["order"],
                    "precision": leg["precision"],
                    "distance_km": leg["distance_km"],
                    "name": leg["label"],
                    "from": leg["from_name"],
                    "to": leg["to_name"],
                    "route": leg["route"],
                    # Every drawn leg is the atlas's drawing, never a traced route.
                    "schematic": drawn is not None,
                    "drawing": drawn.style if drawn is not None else None,
                    "drawing_note": leg_drawing_note(leg) if drawn is not None else None,
                    "label": drawn.label if drawn is not None else None,
                    "distance_note": "at least this far in a straight line: the shortest"
                    " distance between the two places' areas, rounded down (a lower bound)"
                    if leg["distance_km"] is not None
                    else None,
                    "summary": leg["summary"],
                    "source_count": leg["source_count"],
                    "citations": _citations(leg, absolute),
                },
            }
        )
    for stop in page["stops"]:
        place = places[stop["place"]]
        features.append(
            {
                "type": "Feature",
                "id": f"stop-{stop['number']}",
                "geometry": place_geometry(place),
                "properties": {
                    "kind": "stop",
                    "order": stop["number"],
                    "precision": place["precision"],
                    "distance_km": None,
                    "name": place["name"],
                    "provenance": place["provenance"],
                    # Who chose the drawn point, and why it is there.
                    "point": place["point"]["text"],
                    "point_chosen_by": place["point"]["chosen_by"],
                    "anchor_note": place.get("anchor_note"),
                    "source_count": place["source_count"],
                    "citations": _citations(place, absolute),
                },
            }
        )
    for n, hazard in enumerate(page["hazards"], 1):
        features.append(hazard_feature(hazard, places, n, absolute))
    return {
        "type": "FeatureCollection",
        "name": page["title"],
        "features": features,
    }
