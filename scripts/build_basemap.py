#!/usr/bin/env python3
"""Build the served base map from the clipped Natural Earth layers in app/maps/geodata/.

Writes, into the given directory (scripts/install_assets.py passes
static/vendor/basemap/):

- ``basemap-<level>.js``: the drawn layers (land, lakes, rivers, borders) simplified for
  one level of detail; a map loads only the level its zoom needs (LEVELS). Each is a
  script (``window.atlasBasemapData[level] = ...``), not JSON for fetch(), because a page
  opened from disk (the offline copy) may load a script but not fetch a file;
- ``labels-<lang>.js``: every label (country, sea, mountain, river, city) with the zoom it
  appears from and its priority, in English and in Korean (the atlas's own translations,
  app/maps/basemap_names.yaml).

Coordinates are written as steps between points in integer units of the level's grid
(like the outlines script of install_assets.py): small integers compress to about half
of what written-out coordinates do. The build is deterministic (same input, same bytes)
and takes about a second.

    .venv/bin/python scripts/build_basemap.py [OUTPUT_DIR]
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from shapely import clip_by_rect, get_parts
from shapely.geometry import MultiLineString, Point, Polygon, box, shape
from shapely.ops import linemerge, polylabel, unary_union

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "app" / "maps" / "geodata"
NAMES = ROOT / "app" / "maps" / "basemap_names.yaml"
DEFAULT_OUT = ROOT / "static" / "vendor" / "basemap"
LANGUAGES = ("en", "ko")


@dataclass(frozen=True)
class River:
    name: str
    min_zoom: float
    line: Any  # merged (Multi)LineString
    rank: float
    journey: bool  # one of JOURNEY_RIVERS


@dataclass(frozen=True)
class Level:
    """One level of detail: drawn from `min_zoom` on, simplified to about half a pixel
    at the deepest zoom it serves (`tolerance`, degrees), on a grid of 1/`scale` degree."""

    min_zoom: int
    tolerance: float
    scale: int
    # Islands and lakes smaller than this (square degrees) are not drawn at this level.
    min_area: float
    # Deeper levels are cut into square cells of this many degrees, one file each: a map
    # loads the cells in its view only. None: one file for the whole region.
    cell: float | None = None


LEVELS = (
    Level(min_zoom=0, tolerance=0.04, scale=50, min_area=0.02),
    Level(min_zoom=5, tolerance=0.01, scale=200, min_area=0.002, cell=20.0),
    Level(min_zoom=7, tolerance=0.002, scale=1000, min_area=0.0, cell=5.0),
)
# The region the cells tile (app/maps/geodata is clipped to it: clip_natural_earth.py).
REGION = (85.0, -2.0, 150.0, 56.0)
# Beyond the region the first level draws the land of Natural Earth's 1:110m countries
# (the installer's static/vendor/natural-earth/countries-110m.geojson), within this box:
# a map zoomed out or panned past the region shows land there, not sea.
OUTSIDE_BOX = (30.0, -25.0, 180.0, 80.0)
WORLD = ROOT / "static" / "vendor" / "natural-earth" / "countries-110m.geojson"
# Cells overlap by this much (degrees), so their fills meet without a seam.
CELL_OVERLAP = 0.01

# The rivers the journeys cross or follow, drawn and named from a zoom at which a
# journey is seen whole (Natural Earth draws the Yalu and the Tumen only from zoom 7):
# an editorial choice of the atlas, by Natural Earth's English name.
# Each with a point on it (lon, lat): Natural Earth has rivers of the same name elsewhere.
JOURNEY_RIVERS = {
    "Yalu": (4, (126.6, 41.2)),
    "Tumen": (4, (129.6, 42.5)),
    "Han": (5, (127.0, 37.55)),
    "Red": (5, (103.4, 22.8)),
    "Mekong": (3, (102.6, 17.9)),
}
# A river's name is repeated along its course about this often (degrees of line) at the
# level's first zoom, so it is in view wherever a map is cut.
RIVER_LABEL_SPACING = {0: 6.0, 5: 2.5, 7: 1.0}

# Kinds of physical region named on the map (not islands: the land shows them).
REGION_KINDS = {"Range/mtn", "Plateau", "Desert", "Plain", "Pen/cape", "Basin"}
MAX_REGION_RANK = 3
MAX_SEA_RANK = 5
MAX_RIVER_LABEL_RANK = 3
# Cities: capitals, and the others by Natural Earth's scalerank; near the journeys
# (Korea, the Chinese border and the way south) more of them, so a journey's region
# reads with its towns.
MAX_CITY_RANK = 2
JOURNEY_BOXES = (
    ((123.5, 37.5, 131.5, 43.5), 7),  # North Korea and the Chinese border
    ((97.0, 10.0, 131.5, 44.0), 3),  # China east of Tibet, Korea, Indochina
)
# Names are labelled (cities aside) where the journeys' maps look.
LABEL_BOX = (97.0, 10.0, 136.0, 50.0)
# Natural Earth names some rivers' stretches differently: one name each on the map.
RIVER_ALIASES = {"Huang": "Yellow", "Wusuli": "Ussuri", "Heilong Jiang": "Amur"}

# Priority of a label's kind when labels collide (lower wins).
KIND_PRIORITY = {"country": 0, "sea": 1, "capital": 2, "city": 3, "river": 4, "region": 5}


def _read(name: str) -> list[dict[str, Any]]:
    data = json.loads((GEODATA / f"{name}.geojson").read_text(encoding="utf-8"))
    return list(data["features"])


# ------------------------------------------------------------------ geometry


def _encode(coords: Any, scale: int) -> list[int]:
    """A line or ring as steps between grid points; repeated points dropped."""
    steps: list[int] = []
    last_x = last_y = 0
    for lon, lat in coords:
        x, y = round(lon * scale), round(lat * scale)
        if steps and x == last_x and y == last_y:
            continue
        steps += [x - last_x, y - last_y]
        last_x, last_y = x, y
    return steps


def _simplified_polygons(geometries: list[Any], level: Level) -> list[Any]:
    parts = [p for g in geometries for p in get_parts(g) if p.area >= level.min_area]
    return [p.simplify(level.tolerance, preserve_topology=True) for p in parts]


def _clipped(geometries: list[Any], clip: tuple[float, float, float, float] | None) -> list[Any]:
    """The pieces of `geometries` inside the box `clip` (all of them for None)."""
    if clip is None:
        return [p for g in geometries for p in get_parts(g)]
    west, south, east, north = clip
    out = []
    for geometry in geometries:
        x0, y0, x1, y1 = geometry.bounds
        if x1 < west or x0 > east or y1 < south or y0 > north:
            continue
        out += list(get_parts(clip_by_rect(geometry, west, south, east, north)))
    return out


def _polygons(simplified: list[Any], level: Level, clip: Any) -> list[list[list[int]]]:
    out = []
    for piece in _clipped(simplified, clip):
        if piece.is_empty or not isinstance(piece, Polygon):
            continue
        rings = [piece.exterior, *piece.interiors]
        encoded = [_encode(r.coords, level.scale) for r in rings]
        # At least a closed triangle (the outer ring first, or the polygon goes).
        if len(encoded[0]) >= 8:
            out.append([r for r in encoded if len(r) >= 8])
    return out


def _lines(simplified: list[Any], level: Level, clip: Any) -> list[list[int]]:
    out = []
    for part in _clipped(simplified, clip):
        if part.geom_type != "LineString":
            continue
        encoded = _encode(part.coords, level.scale)
        if len(encoded) >= 4:
            out.append(encoded)
    return out


def _river_name(props: dict[str, Any]) -> str:
    name = str(props.get("name_en") or props.get("name") or "")
    return RIVER_ALIASES.get(name, name)


def _clusters(geometries: list[Any]) -> list[list[Any]]:
    """Stretches of one name that touch (within 0.5 degree) are one river; Natural
    Earth has two Han rivers (Korea's and the Yangtze's tributary), two Quan, ..."""
    clusters: list[list[Any]] = []
    for geometry in geometries:
        near = [c for c in clusters if any(g.distance(geometry) < 0.5 for g in c)]
        merged = [geometry, *[g for c in near for g in c]]
        clusters = [c for c in clusters if c not in near] + [merged]
    return clusters


def _journey_zoom(name: str, geometry: Any) -> float | None:
    if name not in JOURNEY_RIVERS:
        return None
    zoom, (lon, lat) = JOURNEY_RIVERS[name]
    return zoom if geometry.distance(Point(lon, lat)) < 1.5 else None


def _rivers() -> dict[tuple[str, int], River]:
    """Each named river (by its English name, its stretches merged), with the zoom it
    is drawn from; Natural Earth's lines within lakes are left out."""
    by_name: dict[str, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for feature in _read("rivers"):
        props = feature["properties"]
        name = _river_name(props)
        if props["featurecla"] == "River" and name:
            by_name[name].append((shape(feature["geometry"]), props))
    rivers = {}
    for name in sorted(by_name):
        props_of = {id(g): p for g, p in by_name[name]}
        for n, cluster in enumerate(_clusters([g for g, _ in by_name[name]])):
            lines = [part for g in cluster for part in get_parts(g)]
            merged = linemerge(MultiLineString(lines))
            journey = _journey_zoom(name, merged)
            zoom = min(props_of[id(g)]["min_zoom"] for g in cluster)
            rank = min(props_of[id(g)]["scalerank"] for g in cluster)
            rivers[(name, n)] = River(
                name, journey if journey is not None else zoom, merged, rank, journey is not None
            )
    return rivers


@dataclass(frozen=True)
class Layers:
    """The drawn layers, read once."""

    land: list[Any]
    lakes: list[tuple[float, Any]]  # (min zoom, polygon)
    rivers: list[River]
    borders: list[Any]


def read_layers() -> Layers:
    return Layers(
        land=[shape(f["geometry"]) for f in _read("land")],
        lakes=[(f["properties"]["min_zoom"] or 0.0, shape(f["geometry"])) for f in _read("lakes")],
        rivers=list(_rivers().values()),
        borders=[shape(f["geometry"]) for f in _read("borders")],
    )


@dataclass(frozen=True)
class Simplified:
    """The layers simplified for one level, before they are cut into cells."""

    land: list[Any]
    lakes: list[Any]
    rivers: list[tuple[float, Any]]  # (min zoom, line)
    borders: list[Any]


def simplify(level: Level, max_zoom: int, layers: Layers) -> Simplified:
    """What shows below `max_zoom`, simplified for `level`."""
    return Simplified(
        land=_simplified_polygons(layers.land, level),
        lakes=_simplified_polygons([g for zoom, g in layers.lakes if zoom < max_zoom], level),
        rivers=[
            (river.min_zoom, river.line.simplify(level.tolerance, preserve_topology=False))
            for river in layers.rivers
            if river.min_zoom < max_zoom
        ],
        borders=[g.simplify(level.tolerance, preserve_topology=False) for g in layers.borders],
    )


def level_data(level: Level, simplified: Simplified, clip: Any = None) -> dict[str, Any]:
    """The drawn layers of one level (or of the cell `clip` of it). Rivers carry the zoom
    they are drawn from, so a level shows more of them as it deepens."""
    return {
        "scale": level.scale,
        "land": _polygons(simplified.land, level, clip),
        "lakes": _polygons(simplified.lakes, level, clip),
        "rivers": [
            [zoom, line]
            for zoom, river in simplified.rivers
            for line in _lines([river], level, clip)
        ],
        "borders": _lines(simplified.borders, level, clip),
    }


def cells(level: Level) -> list[tuple[int, int, tuple[float, float, float, float]]]:
    """The cells of a level: (column, row, their box with the overlap)."""
    assert level.cell is not None
    west, south, east, north = REGION
    columns = math.ceil((east - west) / level.cell)
    rows = math.ceil((north - south) / level.cell)
    out = []
    for column in range(columns):
        for row in range(rows):
            x, y = west + column * level.cell, south + row * level.cell
            margin = CELL_OVERLAP
            out.append(
                (
                    column,
                    row,
                    (x - margin, y - margin, x + level.cell + margin, y + level.cell + margin),
                )
            )
    return out


# ------------------------------------------------------------------- labels


def _label_point(geometry: Any) -> tuple[float, float]:
    """The point furthest inside the largest part (Natural Earth's own label points
    are not in the clipped data)."""
    largest = max(get_parts(geometry), key=lambda p: p.area)
    point = polylabel(largest, tolerance=0.05)
    return round(point.x, 3), round(point.y, 3)


def _in_box(lon: float, lat: float, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _city_zoom(props: dict[str, Any]) -> int:
    rank = int(props["scalerank"])
    if props["adm0cap"]:
        return 3 if rank <= 1 else 4
    return {0: 4, 1: 4, 2: 5, 3: 5, 4: 6, 5: 7, 6: 7}.get(rank, 8)


def _city_selected(props: dict[str, Any], lon: float, lat: float) -> bool:
    if props["adm0cap"] or props["scalerank"] <= MAX_CITY_RANK:
        return True
    return any(_in_box(lon, lat, box) and props["scalerank"] <= rank for box, rank in JOURNEY_BOXES)


def _river_label_points(river: Any, spacing: float) -> list[tuple[float, float]]:
    """Points along a river, one every `spacing` degrees of line on each of its stretches
    (Natural Earth's rivers have gaps: the Mekong's lower course is a stretch of its own);
    stretches shorter than half of `spacing` get none, unless the river has no other."""
    parts = sorted(get_parts(river), key=lambda p: -p.length)
    points = []
    for n, line in enumerate(parts):
        length = line.length
        if length < spacing / 2 and n > 0:
            continue
        count = max(1, round(length / spacing))
        step = length / count
        points += [line.interpolate(step * (i + 0.5)) for i in range(count)]
    return [(round(p.x, 3), round(p.y, 3)) for p in points]


def labels(rivers: dict[Any, River]) -> list[dict[str, Any]]:
    """Every label in English, with the zoom it appears from and its priority."""
    out: list[dict[str, Any]] = []

    def add(
        kind: str,
        name: str,
        zoom: float,
        rank: float,
        point: tuple[float, float],
        journey: bool = False,
    ) -> None:
        # The journeys' rivers come right after the seas: the articles name them.
        priority = KIND_PRIORITY["sea"] * 100 + 50 if journey else KIND_PRIORITY[kind] * 100
        out.append(
            {
                "kind": kind,
                "name": name,
                "zoom": round(float(zoom), 1),
                "priority": priority + rank,
                "lon": point[0],
                "lat": point[1],
            }
        )

    for feature in _read("countries"):
        props = feature["properties"]
        rank = props["labelrank"]
        add("country", props["name"], max(2, rank), rank, _label_point(shape(feature["geometry"])))
    for feature in _read("seas"):
        props = feature["properties"]
        if not props["name"] or props["featurecla"] == "river":
            continue
        if props["scalerank"] > MAX_SEA_RANK:
            continue
        zoom = max(2.0, props["min_label"])
        add(
            "sea", props["name"], zoom, props["scalerank"], _label_point(shape(feature["geometry"]))
        )
    for feature in _read("regions"):
        props = feature["properties"]
        if props["featurecla"] not in REGION_KINDS or props["scalerank"] > MAX_REGION_RANK:
            continue
        zoom = max(3.0, props["min_label"])
        point = _label_point(shape(feature["geometry"]))
        if not _in_box(*point, LABEL_BOX):
            continue
        add("region", props["name"], zoom, props["scalerank"], point)
    for feature in _read("places"):
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        if not _city_selected(props, lon, lat):
            continue
        kind = "capital" if props["adm0cap"] else "city"
        rank = props["scalerank"] * 10 + props["labelrank"]
        add(kind, props["name"], _city_zoom(props), rank, (round(lon, 3), round(lat, 3)))
    for river in rivers.values():
        longest = max(get_parts(river.line), key=lambda p: p.length)
        middle = longest.interpolate(0.5, normalized=True)
        if not river.journey and (
            river.rank > MAX_RIVER_LABEL_RANK or not _in_box(middle.x, middle.y, LABEL_BOX)
        ):
            continue
        label_zoom = river.min_zoom + 1
        seen: set[tuple[float, float]] = set()
        for first_zoom, spacing in sorted(RIVER_LABEL_SPACING.items()):
            for point in _river_label_points(river.line, spacing):
                if point not in seen:
                    seen.add(point)
                    zoom = max(label_zoom, first_zoom)
                    add("river", river.name, zoom, river.rank, point, journey=river.journey)
    out.sort(key=lambda label: (label["priority"], label["name"], label["lon"], label["lat"]))
    return out


def natural_earth_name(label: dict[str, Any]) -> str:
    """A label's Natural Earth name as a reader would write it: rivers get their word
    ("Yalu River"); names in capitals (oceans, large regions) in title case."""
    english = str(label["name"])
    if label["kind"] == "river" and not english.endswith("River"):
        english = f"{english} River"
    if english.isupper():
        english = english.title().replace(" Of ", " of ")
    return english


def english_names(all_labels: list[dict[str, Any]]) -> list[str]:
    overrides = load_names()["en"]
    return sorted({overrides.get(n, n) for n in map(natural_earth_name, all_labels)})


def load_names() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(NAMES.read_text(encoding="utf-8"))
    return {"en": data.get("english", {}), "ko": data["korean"]}


def label_rows(all_labels: list[dict[str, Any]], language: str) -> list[list[Any]]:
    names = load_names()
    rows = []
    for label in all_labels:
        natural_earth = natural_earth_name(label)
        text = names["en"].get(natural_earth, natural_earth)
        if language == "ko":
            if text not in names["ko"]:
                raise SystemExit(f"build_basemap: no Korean name for {text!r} in {NAMES}")
            text = names["ko"][text]
        rows.append(
            [label["kind"], label["zoom"], label["priority"], label["lon"], label["lat"], text]
        )
    return rows


# -------------------------------------------------------------------- output


def _script(variable: str, key: str, data: Any) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"(window.{variable}=window.{variable}||{{}})[{json.dumps(key)}]={body};\n"


def outside_land(world: Path, level: Level) -> list[list[list[int]]]:
    """The land of the 1:110m countries beyond the region (within OUTSIDE_BOX)."""
    if not world.is_file():
        raise SystemExit(f"build_basemap: {world} is missing (scripts/install_assets.py makes it)")
    countries = json.loads(world.read_text(encoding="utf-8"))["features"]
    land = unary_union([shape(f["geometry"]).buffer(0) for f in countries if f.get("geometry")])
    outside = land.intersection(box(*OUTSIDE_BOX)).difference(box(*REGION))
    return _polygons(_simplified_polygons([outside], level), level, None)


def _empty(data: dict[str, Any]) -> bool:
    return not (data["land"] or data["lakes"] or data["rivers"] or data["borders"])


def build(out: Path, world: Path = WORLD) -> dict[str, int]:
    """Write every file into `out` (emptied first); returns their sizes by name.
    `world`: the 1:110m countries (GeoJSON) for the land beyond the region."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.js"):
        old.unlink()
    layers = read_layers()
    sizes = {}
    for n, level in enumerate(LEVELS):
        max_zoom = LEVELS[n + 1].min_zoom if n + 1 < len(LEVELS) else 99
        simplified = simplify(level, max_zoom, layers)
        if level.cell is None:
            data = level_data(level, simplified)
            if n == 0:
                data["outside"] = outside_land(world, level)
            parts = [(f"{n}", data)]
        else:
            parts = [
                (f"{n}-{column}-{row}", level_data(level, simplified, clip))
                for column, row, clip in cells(level)
            ]
        for key, data in parts:
            if _empty(data):
                continue  # open sea: the map's background
            name = f"basemap-{key}.js"
            (out / name).write_text(_script("atlasBasemapData", key, data), encoding="utf-8")
            sizes[name] = (out / name).stat().st_size
    all_labels = labels({(r.name, n): r for n, r in enumerate(layers.rivers)})
    for language in LANGUAGES:
        name = f"labels-{language}.js"
        rows = label_rows(all_labels, language)
        (out / name).write_text(_script("atlasBasemapLabels", language, rows), encoding="utf-8")
        sizes[name] = (out / name).stat().st_size
    return sizes


def main() -> None:
    if sys.argv[1:2] == ["--names"]:
        print("\n".join(english_names(labels(_rivers()))))
        return
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    sizes = build(out)
    for level in range(len(LEVELS)):
        files = [size for name, size in sizes.items() if name.startswith(f"basemap-{level}")]
        print(f"level {level}: {len(files):3} files {sum(files):>10,} bytes")
    for name, size in sizes.items():
        if name.startswith("labels"):
            print(f"{name}: {size:,} bytes")


if __name__ == "__main__":
    main()
