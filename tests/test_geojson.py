"""Each journey as RFC 7946 GeoJSON: legs, stops and hazards with valid [lon, lat]
geometry, and citations whose links lead to the quoted words in their article."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import SEEDS
from shapely.geometry import LineString, Point
from test_pages import JOURNEYS, Site, esc

SEED_TEXTS = sorted(p.name for p in SEEDS.glob("*.txt"))
GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
PLACE_GEOMETRIES = {"Point", "Polygon", "MultiPolygon", "LineString"}
CITATION_KEYS = {"source", "file", "passage", "quote", "url"}


@pytest.fixture(scope="module")
def site(seeded_app: Any) -> Site:
    return Site(seeded_app.test_client())


def geojson(site: Site, slug: str) -> dict[str, Any]:
    response = site.get(f"/journeys/{slug}.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    return response.get_json(force=True)


def features(collection: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["kind"] == kind]


# ---------------------------------------------------------------- RFC 7946 geometry


def assert_position(position: Any) -> None:
    assert isinstance(position, list) and len(position) in (2, 3), position
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
    lon, lat = position[0], position[1]
    assert -180 <= lon <= 180 and -90 <= lat <= 90, f"not [lon, lat]: {position}"


def assert_ring(ring: Any) -> None:
    assert isinstance(ring, list) and len(ring) >= 4, "a linear ring needs 4 positions"
    for position in ring:
        assert_position(position)
    assert ring[0] == ring[-1], "a linear ring is closed"


def assert_geometry(geometry: dict[str, Any]) -> None:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    assert kind in GEOMETRY_TYPES, kind
    if kind == "GeometryCollection":
        for member in geometry["geometries"]:
            assert_geometry(member)
    elif kind == "Point":
        assert_position(coordinates)
    elif kind in ("MultiPoint", "LineString"):
        assert isinstance(coordinates, list) and len(coordinates) >= (
            2 if kind == "LineString" else 1
        )
        for position in coordinates:
            assert_position(position)
    elif kind == "MultiLineString":
        for line in coordinates:
            assert_geometry({"type": "LineString", "coordinates": line})
    elif kind == "Polygon":
        assert isinstance(coordinates, list) and coordinates
        for ring in coordinates:
            assert_ring(ring)
    else:
        assert isinstance(coordinates, list) and coordinates
        for polygon in coordinates:
            assert_geometry({"type": "Polygon", "coordinates": polygon})


def positions(geometry: dict[str, Any]) -> list[list[float]]:
    def walk(value: Any) -> Any:
        if value and isinstance(value[0], int | float):
            yield value
        else:
            for item in value:
                yield from walk(item)

    return list(walk(geometry["coordinates"]))


def surrounds(geometry: dict[str, Any], anchor: list[float], margin: float = 0.5) -> bool:
    """The [lat, lon] anchor lies within the geometry's [lon, lat] bounding box."""
    lons = [p[0] for p in positions(geometry)]
    lats = [p[1] for p in positions(geometry)]
    lat, lon = anchor
    return (
        min(lons) - margin <= lon <= max(lons) + margin
        and min(lats) - margin <= lat <= max(lats) + margin
    )


@pytest.mark.parametrize("slug", JOURNEYS)
def test_a_journey_is_an_rfc_7946_feature_collection(site, slug):
    collection = geojson(site, slug)
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 drops crs: coordinates are WGS 84 [lon, lat]
    assert collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        if feature["geometry"] is not None:
            assert_geometry(feature["geometry"])
        properties = feature["properties"]
        for name in ("kind", "order", "precision", "distance_km", "citations"):
            assert name in properties, f"{feature.get('id')}: no {name}"
        assert properties["kind"] in {"leg", "stop", "hazard"}
        assert properties["citations"], f"{feature.get('id')} cites nothing"
        for citation in properties["citations"]:
            assert set(citation) >= CITATION_KEYS
            assert citation["file"] in SEED_TEXTS
            assert isinstance(citation["passage"], int)


@pytest.mark.parametrize("slug", JOURNEYS)
def test_legs_are_schematic_lines_between_their_places_or_null_when_the_route_is_untold(site, slug):
    """A leg runs from its start's anchor to its end's, except that an end at a river or
    border band is where the leg meets the band (no crossing point); every drawn leg
    says it is schematic."""
    journey = site.data(f"/journeys/{slug}.json")
    places = {p["slug"]: p for p in journey["places"]}
    legs = features(geojson(site, slug), "leg")
    assert [f["properties"]["order"] for f in legs] == [leg["order"] for leg in journey["legs"]]
    for feature, leg in zip(legs, journey["legs"], strict=True):
        start, end = places[leg["from"]], places[leg["to"]]
        assert feature["properties"]["distance_km"] == leg["distance_km"]
        if leg["route"] == "untold" or not (start["anchor"] and end["anchor"]):
            assert feature["geometry"] is None, f"untold leg {leg['order']} is drawn"
            assert feature["properties"]["schematic"] is False
            continue
        geometry = feature["geometry"]
        assert geometry["type"] == "LineString"
        assert feature["properties"]["schematic"] is True
        assert feature["properties"]["drawing"] == (leg["drawing"] or "line")
        assert feature["properties"]["drawing_note"].startswith("Schematic")
        for place, position in (
            (start, geometry["coordinates"][0]),
            (end, geometry["coordinates"][-1]),
        ):
            if place["area"]["kind"] == "line":
                band = LineString(place["area"]["geometry"]["coordinates"])
                assert band.distance(Point(position)) < 1e-3, (leg["order"], place["slug"])
            else:
                assert position == [place["anchor"][1], place["anchor"][0]]


@pytest.mark.parametrize("slug", JOURNEYS)
def test_stops_are_drawn_where_their_place_is_or_not_at_all_when_it_is_unknown(site, slug):
    journey = site.data(f"/journeys/{slug}.json")
    places = {p["slug"]: p for p in journey["places"]}
    stops = features(geojson(site, slug), "stop")
    assert [f["properties"]["order"] for f in stops] == [s["number"] for s in journey["stops"]]
    for feature, stop in zip(stops, journey["stops"], strict=True):
        place = places[stop["place"]]
        assert feature["properties"]["precision"] == place["precision"]
        assert feature["properties"]["distance_km"] is None
        geometry = feature["geometry"]
        if place["anchor"] is None:
            assert geometry is None, f"stop {stop['number']} has no anchor but is drawn"
            continue
        assert geometry is not None, f"stop {stop['number']} ({place['slug']}) is not drawn"
        assert geometry["type"] in PLACE_GEOMETRIES
        if geometry["type"] != "LineString":
            assert surrounds(geometry, place["anchor"]), f"{place['slug']} drawn elsewhere"


@pytest.mark.parametrize("slug", JOURNEYS)
def test_hazards_are_drawn_at_their_place_or_not_at_all_when_it_is_not_told(site, slug):
    journey = site.data(f"/journeys/{slug}.json")
    places = {p["slug"]: p for p in journey["places"]}
    hazards = features(geojson(site, slug), "hazard")
    assert [f["properties"]["order"] for f in hazards] == list(range(1, len(hazards) + 1))
    assert len(hazards) == len(journey["hazards"])
    for feature, hazard in zip(hazards, journey["hazards"], strict=True):
        assert feature["properties"]["precision"] == hazard["precision"]
        place = places.get(hazard["place"] or "")
        geometry = feature["geometry"]
        if place is None or place["anchor"] is None:
            assert geometry is None, f"{hazard['slug']} has no known place but is drawn"
            continue
        assert geometry is not None, f"{hazard['slug']} is not drawn"
        assert geometry["type"] in PLACE_GEOMETRIES
        if geometry["type"] != "LineString":
            assert surrounds(geometry, place["anchor"]), f"{hazard['slug']} drawn elsewhere"


# ---------------------------------------------------------------- citations lead to the words


def test_every_geojson_citation_links_to_its_quote_marked_in_its_passage(site):
    checked: set[str] = set()
    for slug in JOURNEYS:
        for feature in geojson(site, slug)["features"]:
            for citation in feature["properties"]["citations"]:
                url = urlsplit(citation["url"])
                assert url.scheme in ("http", "https") and url.netloc, citation["url"]
                if citation["url"] in checked:
                    continue
                checked.add(citation["url"])
                assert url.path == f"/sources/{citation['source']}"
                assert url.fragment == f"p-{citation['passage']}"
                quote = citation["quote"]
                assert quote in (SEEDS / citation["file"]).read_text("utf-8")

                document = site.page(f"{url.path}?{url.query}")

                marks = document.find_all("mark")
                assert len(marks) == 1, citation["url"]
                assert marks[0].text == quote
                assert marks[0].inner == esc(quote)
                assert url.fragment in marks[0].ancestor_ids(), citation["url"]
    assert checked
