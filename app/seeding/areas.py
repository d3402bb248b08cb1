"""Area geometry for places: Natural Earth country polygons, circles, and drawn lines."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

from shapely.affinity import scale
from shapely.geometry import mapping, shape
from shapely.ops import nearest_points, polylabel, unary_union


def load_country_shapes(path: Path) -> dict[str, dict[str, Any]]:
    """Natural Earth geometries keyed by ISO 3166-1 numeric code ("408" is North Korea)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return {
        str(feature["id"]): feature["geometry"]
        for feature in collection["features"]
        if feature.get("id") is not None and feature.get("geometry")
    }


def line_geometry(points: list[list[float]]) -> dict[str, Any]:
    """Seed files write [lat, lon] like the rest of the atlas; GeoJSON wants [lon, lat]."""
    return {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]}


# Areas derived from the clipped Natural Earth 1:50m countries (committed by
# scripts/clip_natural_earth.py): a union of named countries, or the band of one country
# along its border with another. Computed when a place is seeded or saved, and stored as
# the place's area geometry, so every map, handout and download draws the same shape.
GEODATA_COUNTRIES = (
    Path(__file__).resolve().parent.parent / "maps" / "geodata" / "countries.geojson"
)
# Tolerance of the stored outline, in degrees (about 2 km): finer than any journey map.
DERIVED_TOLERANCE = 0.02
_KM_PER_DEGREE = 111.32


def load_geodata_countries(path: Path = GEODATA_COUNTRIES) -> dict[str, dict[str, Any]]:
    """The clipped 1:50m countries keyed by ISO 3166-1 numeric code, as GeoJSON features."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return {
        str(f["properties"]["iso_n3"]): f
        for f in collection["features"]
        if f.get("geometry") and f["properties"].get("iso_n3")
    }


def _rounded(geometry: Any) -> dict[str, Any]:

    def rnd(value: Any) -> Any:
        if isinstance(value, float):
            # About 110 m: far finer than 1:50m outlines simplified to 0.02 degrees.
            return round(value, 3)
        if isinstance(value, list | tuple):
            return [rnd(v) for v in value]
        return value

    raw = mapping(geometry)
    return {"type": raw["type"], "coordinates": rnd(raw["coordinates"])}


def union_area(features: list[dict[str, Any]]) -> dict[str, Any]:
    """The countries named, as one outline (shared borders dissolved)."""

    union = unary_union([shape(f["geometry"]) for f in features])
    simpler = union.simplify(DERIVED_TOLERANCE, preserve_topology=True)
    # Simplifying nudges edges over the borders: cut it back to the countries named.
    return _rounded(simpler.intersection(union))


def border_band(country: dict[str, Any], neighbour: dict[str, Any], km: float) -> dict[str, Any]:
    """The part of `country` within `km` of `neighbour`: a band along their common border
    that stays inside `country` (it never spills over the border)."""

    inside, other = shape(country["geometry"]), shape(neighbour["geometry"])
    # Buffer in a local equal-distance frame: a degree of longitude is shorter than one
    # of latitude away from the equator.
    lat = other.centroid.y
    squeeze = math.cos(math.radians(lat))
    reach = scale(other, xfact=squeeze, yfact=1, origin=(0, 0)).buffer(km / _KM_PER_DEGREE)
    reach = scale(reach, xfact=1 / squeeze, yfact=1, origin=(0, 0))
    band = inside.intersection(reach).simplify(DERIVED_TOLERANCE / 2, preserve_topology=True)
    # Simplifying may nudge an edge over the border: cut it back to the country.
    return _rounded(band.intersection(inside))


def label_point(geometry: dict[str, Any], properties: dict[str, Any] | None = None) -> list[float]:
    """Where an area's label (and its stop number) goes, as [lat, lon]: Natural Earth's
    own label point when the data carry one (label_x/label_y), otherwise the pole of
    inaccessibility of the area's largest part (the point farthest inside it); for a
    line (a river or border band), the point halfway along it."""

    props = properties or {}
    if props.get("label_x") is not None and props.get("label_y") is not None:
        return [round(float(props["label_y"]), 3), round(float(props["label_x"]), 3)]
    geom = shape(geometry)
    if geom.geom_type == "LineString":
        point = geom.interpolate(0.5, normalized=True)
    else:
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda p: p.area)
        point = polylabel(largest, tolerance=0.01)
    return [round(point.y, 3), round(point.x, 3)]


# How far inside a union's outline its label point is set (degrees), so the number's
# ring does not straddle the outline.
_UNION_LABEL_INSET = 0.3


def union_label_point(geometry: dict[str, Any]) -> list[float]:
    """The label point of a union of named countries, as [lat, lon]: its centre when the
    union holds it, otherwise the point of the union nearest its centre. (The point
    farthest inside would fall deep in the largest country, a place no one is said to
    have passed, and would draw the route through it.)"""

    area = shape(geometry)
    centre = area.centroid
    if area.contains(centre):
        return [round(centre.y, 3), round(centre.x, 3)]
    inner = area.buffer(-_UNION_LABEL_INSET)
    point = nearest_points(inner if not inner.is_empty else area, centre)[0]
    return [round(point.y, 3), round(point.x, 3)]


# The clipped region's edges (scripts/clip_natural_earth.py REGION): a country cut by one
# of them is drawn from the world-wide 1:110m outlines instead.
_REGION = (85.0, -2.0, 150.0, 56.0)


@functools.cache
def regional_country_areas() -> dict[str, dict[str, Any]]:
    """Country outlines from the 1:50m countries, simplified as derived areas are, for
    the countries wholly inside the clipped region (their coasts then meet the 1:10m
    base map; the 1:110m outlines spilled into the sea)."""

    west, south, east, north = _REGION
    out = {}
    for code, feature in load_geodata_countries().items():
        minx, miny, maxx, maxy = shape(feature["geometry"]).bounds
        if minx > west and miny > south and maxx < east and maxy < north:
            out[code] = union_area([feature])
    return out


def country_shapes(path: Path) -> dict[str, dict[str, Any]]:
    """Country outlines by ISO 3166-1 numeric code, for a place drawn as its country:
    1:50m within the atlas's region (`regional_country_areas`), 1:110m elsewhere."""
    shapes = load_country_shapes(path)
    shapes.update(regional_country_areas())
    return shapes
