"""Distances and circles on the ellipsoid (app/geo.py)."""

from __future__ import annotations

from geopy.distance import geodesic

from app.geo import circle_ring


def test_circle_ring_points_lie_at_the_radius_and_close_the_ring() -> None:
    ring = circle_ring([39.0, 125.75], 80.0, vertices=24)
    assert len(ring) == 25 and ring[0] == ring[-1]
    for lon, lat in ring[:-1]:
        assert abs(geodesic((39.0, 125.75), (lat, lon)).km - 80.0) < 0.01


def test_circle_ring_is_a_fresh_list_each_time() -> None:
    # The geodesic work is kept per circle; a caller changing its copy changes no other.
    first = circle_ring([16.0, 102.0], 150.0)
    first[0][0] = 999.0
    first.append([0.0, 0.0])
    second = circle_ring([16.0, 102.0], 150.0)
    assert second[0][0] != 999.0 and second[0] == second[-1]
    assert len(second) == 49
