"""Distances on the ellipsoid (geopy's geodesic): between points, and the shortest
distance between two places' areas (a lower bound of any way from one to the other)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache

from geopy.distance import geodesic
from shapely.geometry import Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points


def geodesic_km(a: Sequence[float], b: Sequence[float]) -> float:
    return float(geodesic((a[0], a[1]), (b[0], b[1])).km)


def round_km(km: float | None) -> float | None:
    return None if km is None else round(km, 1)


def circle_ring(center: Sequence[float], radius_km: float, vertices: int = 48) -> list[list[float]]:
    """A closed GeoJSON ring ([lon, lat] pairs) approximating a circle on the ellipsoid.
    A fresh list each call (callers may change it); the geodesic work is done once per
    circle, since a large journey asks for the same place's area once per feature."""
    return [list(point) for point in _ring(center[0], center[1], radius_km, vertices)]


@lru_cache(maxsize=4096)
def _ring(
    lat: float, lon: float, radius_km: float, vertices: int
) -> tuple[tuple[float, float], ...]:
    ring = []
    for i in range(vertices):
        point = geodesic(kilometers=radius_km).destination((lat, lon), 360 * i / vertices)
        ring.append((round(point.longitude, 5), round(point.latitude, 5)))
    ring.append(ring[0])
    return tuple(ring)


# A lower bound below this is not worth a reader's attention ("at least 12 km" between
# two areas that nearly touch says nothing): such a leg shows no distance.
MIN_SHOWN_KM = 50.0


def area_shape(
    kind: str, geometry_json: str | None, radius_km: float | None, anchor: Sequence[float] | None
) -> BaseGeometry | None:
    """The area the atlas draws for a place ([lon, lat] shapely geometry): a country's
    polygon, a circle, a river's or border's line, or the point of an exact place."""
    return _area_shape(
        kind, geometry_json, radius_km, tuple(anchor) if anchor is not None else None
    )


@lru_cache(maxsize=512)
def _area_shape(
    kind: str,
    geometry_json: str | None,
    radius_km: float | None,
    anchor: tuple[float, ...] | None,
) -> BaseGeometry | None:
    if geometry_json:
        return shape(json.loads(geometry_json))
    if kind == "circle" and radius_km and anchor:
        return Polygon(_ring(anchor[0], anchor[1], radius_km, 48))
    if anchor:
        return Point(anchor[1], anchor[0])
    return None


def areas_apart_km(a: BaseGeometry, b: BaseGeometry) -> float:
    """The shortest straight-line distance between two areas (not between the points
    chosen inside them): 0 where they touch. The nearest points are found in lon/lat,
    then measured on the ellipsoid."""
    if a.intersects(b):
        return 0.0
    pa, pb = nearest_points(a, b)
    return geodesic_km((pa.y, pa.x), (pb.y, pb.x))


AreaKey = tuple[str, str | None, float | None, tuple[float, ...] | None]


@lru_cache(maxsize=8192)
def areas_lower_bound_km(a: AreaKey, b: AreaKey) -> float | None:
    """The lower bound (see lower_bound_km) between two places' areas, each given as
    (area kind, GeoJSON text, circle radius, anchor); None if either has no area. Kept
    per pair: a large journey asks for the same pairs again and again."""
    first, second = area_shape(*a), area_shape(*b)
    if first is None or second is None:
        return None
    return lower_bound_km(areas_apart_km(first, second))


def lower_bound_km(km: float) -> float | None:
    """A distance shown as a lower bound: a little less than `km` (the nearest points
    in lon/lat may miss the ellipsoid's nearest by a few per cent), rounded down to two
    significant figures; None below MIN_SHOWN_KM."""
    km *= 0.97
    if km < MIN_SHOWN_KM:
        return None
    return round_down(km)


def round_down(km: float) -> float:
    """Rounded down to two significant figures (a sum of lower bounds, too, should not
    look more precise than its parts)."""
    if km <= 0:
        return 0.0
    unit = 10 ** max(0, math.floor(math.log10(km)) - 1)
    return float(math.floor(km / unit) * unit)
