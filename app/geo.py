"""Distances on the ellipsoid (geopy's geodesic), between places' representative points."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from geopy.distance import geodesic


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
