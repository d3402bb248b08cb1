"""The whole atlas as one RFC 7946 FeatureCollection: each journey's own features
(app/pages/geojson.py builds them), marked with their journey, then the hazards that
belong to no journey."""

from __future__ import annotations

from ..pages.geojson import hazard_feature, journey_geojson
from ..pages.records import Data


def atlas_geojson(collection: Data, root: str) -> Data:
    features: list[Data] = []
    for page in collection["journeys"]:
        for feature in journey_geojson(page, root)["features"]:
            features.append(
                {
                    **feature,
                    "id": f"{page['slug']}/{feature['id']}",
                    "properties": {"journey": page["slug"], **feature["properties"]},
                }
            )
    places = {p["slug"]: p for p in collection["places"]}
    alone = [h for h in collection["hazards"] if not h["journeys"]]
    for n, hazard in enumerate(alone, 1):
        feature = hazard_feature(hazard, places, n, root)
        features.append({**feature, "properties": {"journey": None, **feature["properties"]}})
    return {"type": "FeatureCollection", "name": collection["title"], "features": features}
