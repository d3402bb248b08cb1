"""Clip the Natural Earth layers in ../shared/natural-earth/ to the atlas's region.

Writes app/maps/geodata/<layer>.geojson: the features that touch the region, cut to it,
with only the properties the atlas reads and coordinates rounded to 4 decimals (about
11 m, far below the 1:10m data's own accuracy). These files are committed, so the atlas
sets up without ../shared; the served base map is derived from them
(scripts/build_basemap.py). Run again only to change the region or the layers:

    .venv/bin/python scripts/clip_natural_earth.py [../shared/natural-earth]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import py7zr
from shapely.geometry import box, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "app" / "maps" / "geodata"
# West, south, east, north (degrees): from the Bay of Bengal to Japan, from the
# Malay peninsula to beyond the Amur: every journey, with room to frame it.
REGION = (85.0, -2.0, 150.0, 56.0)

# Archive, output name, properties kept (renamed to lower case).
LAYERS: list[tuple[str, str, list[str]]] = [
    ("ne_10m_land", "land", ["scalerank"]),
    (
        "ne_50m_admin_0_countries",
        "countries",
        ["NAME", "NAME_LONG", "ISO_A3", "ISO_N3", "ADM0_A3", "LABEL_X", "LABEL_Y", "LABELRANK"],
    ),
    (
        "ne_10m_admin_0_boundary_lines_land",
        "borders",
        ["adm0_left", "adm0_right", "scalerank", "min_zoom"],
    ),
    (
        "ne_10m_rivers_lake_centerlines",
        "rivers",
        ["name", "name_en", "featurecla", "scalerank", "min_zoom", "min_label"],
    ),
    ("ne_10m_lakes", "lakes", ["name", "scalerank", "min_zoom", "min_label"]),
    (
        "ne_10m_geography_marine_polys",
        "seas",
        ["name", "namealt", "featurecla", "scalerank", "min_label", "max_label"],
    ),
    (
        "ne_10m_geography_regions_polys",
        "regions",
        ["name", "namealt", "featurecla", "scalerank", "min_label", "max_label"],
    ),
    (
        "ne_10m_populated_places",
        "places",
        [
            "NAME",
            "NAME_EN",
            "FEATURECLA",
            "SCALERANK",
            "LABELRANK",
            "ADM0CAP",
            "ADM0NAME",
            "ADM0_A3",
            "POP_MAX",
        ],
    ),
]


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def clip_layer(features: list[dict[str, Any]], keep: list[str]) -> list[dict[str, Any]]:
    region = box(*REGION)
    out = []
    for feature in features:
        if not feature.get("geometry"):
            continue
        geom = shape(feature["geometry"])
        if not geom.intersects(region):
            continue
        if geom.geom_type != "Point":
            geom = geom.intersection(region)
            if geom.is_empty:
                continue
        geometry = mapping(geom)
        props = {k.lower(): feature["properties"].get(k) for k in keep}
        out.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _round(json.loads(json.dumps(geometry["coordinates"]))),
                },
            }
        )
    return out


def main(source: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for archive, name, keep in LAYERS:
            with py7zr.SevenZipFile(source / f"{archive}.7z") as seven:
                seven.extractall(tmp)
            data = json.loads((Path(tmp) / f"{archive}.json").read_text(encoding="utf-8"))
            features = clip_layer(data["features"], keep)
            collection = {"type": "FeatureCollection", "features": features}
            target = OUT / f"{name}.geojson"
            target.write_text(
                json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
                encoding="utf-8",
            )
            print(f"{name:10} {len(features):5} features {target.stat().st_size:>10,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "natural-earth"))
