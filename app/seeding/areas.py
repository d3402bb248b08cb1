"""Area geometry for places: Natural Earth country polygons, circles, and drawn lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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
