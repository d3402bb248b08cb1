"""The handout's base map, drawn on the server into its SVG (app/maps/svg_map.py): land,
lakes, rivers and borders from app/maps/geodata, cut to the map's frame and simplified
to about a third of a pixel; a few labels (countries, seas, rivers, capitals and large
cities) in the page's language from the same label files as the interactive maps
(scripts/build_basemap.py), none over another or over the journey's symbols."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import escape
from shapely import clip_by_rect, get_parts
from shapely.geometry import shape

GEODATA = Path(__file__).resolve().parent / "geodata"
Project = Callable[[float, float], tuple[float, float]]
# Label kinds on paper, by priority; cities only from this label zoom (see below).
KINDS = ("country", "sea", "capital", "river", "city")
# Size (px) of each kind's text, and a rough width of a character of it.
FONT = {"country": 11.0, "sea": 10.5, "capital": 10.0, "river": 9.5, "city": 9.5}
CHAR_WIDTH = {"en": 0.56, "ko": 0.95}  # of the font size

STYLE = (
    "<style>"
    ".handout-map .land{fill:#f7f5ef}"
    ".handout-map .lake{fill:#dfeaf2}"
    ".handout-map .river{fill:none;stroke:#8db8da;stroke-width:.9}"
    ".handout-map .border{fill:none;stroke:#8d7f96;stroke-width:.8;stroke-dasharray:3 2}"
    ".handout-map text.base{font-family:inherit;font-weight:400;paint-order:stroke;stroke:#fff;"
    "stroke-width:2.5px;"
    "stroke-linejoin:round;fill:#333}"
    ".handout-map text.base.country{font-weight:600;letter-spacing:.05em;fill:#4a4150}"
    ".handout-map text.base.sea,.handout-map text.base.river{font-style:italic;fill:#1d4f73}"
    ".handout-map text.base.capital{font-weight:600}"
    ".handout-map circle.base{fill:#333;stroke:#fff;stroke-width:1}"
    "</style>"
)


@lru_cache(maxsize=1)
def _layers() -> dict[str, list[Any]]:
    def read(name: str) -> list[Any]:
        text = (GEODATA / f"{name}.geojson").read_text(encoding="utf-8")
        return [f for f in json.loads(text)["features"] if f.get("geometry")]

    rivers = [
        f
        for f in read("rivers")
        if f["properties"]["featurecla"] == "River" and f["properties"]["scalerank"] <= 6
    ]
    return {
        "land": [shape(f["geometry"]) for f in read("land")],
        "lakes": [shape(f["geometry"]) for f in read("lakes") if f["properties"]["scalerank"] <= 3],
        "rivers": [shape(f["geometry"]) for f in rivers],
        "borders": [shape(f["geometry"]) for f in read("borders")],
    }


@lru_cache(maxsize=2)
def _labels(path: str) -> tuple[tuple[Any, ...], ...]:
    """The label rows of a labels script (`(window.atlasBasemapLabels=...)["en"]=[...];`)."""
    text = Path(path).read_text(encoding="utf-8")
    return tuple(
        tuple(row) for row in json.loads(text[text.index("]=") + 2 : text.rstrip().rindex(";")])
    )


def _pieces(
    geometries: list[Any], bounds: tuple[float, float, float, float], tolerance: float
) -> Iterator[Any]:
    west, south, east, north = bounds
    for geometry in geometries:
        x0, y0, x1, y1 = geometry.bounds
        if x1 < west or x0 > east or y1 < south or y0 > north:
            continue
        clipped = clip_by_rect(geometry, west, south, east, north)
        yield from get_parts(clipped.simplify(tolerance, preserve_topology=False))


def _path(coords: Any, project: Project, close: bool) -> str:
    points = [project(lon, lat) for lon, lat in coords]
    d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return d + (" Z" if close else "")


def base_layers(
    bounds: tuple[float, float, float, float], scale: float, project: Project
) -> list[str]:
    """Land, lakes, rivers and borders inside `bounds` (west, south, east, north), at
    `scale` pixels a degree."""
    tolerance = 0.35 / scale
    layers = _layers()
    out = []
    for name, css, close in (("land", "land", True), ("lakes", "lake", True)):
        d = []
        for polygon in _pieces(layers[name], bounds, tolerance):
            if polygon.geom_type != "Polygon" or polygon.area * scale * scale < 2:
                continue
            rings = [polygon.exterior, *polygon.interiors]
            d += [_path(ring.coords, project, close) for ring in rings]
        if d:
            out.append(f'<path class="{css}" fill-rule="evenodd" d="{" ".join(d)}"/>')
    for name, css in (("rivers", "river"), ("borders", "border")):
        d = [
            _path(line.coords, project, False)
            for line in _pieces(layers[name], bounds, tolerance)
            if line.geom_type == "LineString" and line.length * scale > 3
        ]
        if d:
            out.append(f'<path class="{css}" d="{" ".join(d)}"/>')
    return out


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def base_labels(
    labels_path: Path,
    language: str,
    scale: float,
    size: tuple[float, float],
    project: Project,
    symbols: list[tuple[float, float, float, float]],
) -> list[str]:
    """Labels that fit: those an interactive map would show at this scale, by priority,
    none over a symbol (`symbols`: boxes in pixels) or over another label."""
    if not labels_path.is_file():
        return []
    # The Leaflet zoom with the same pixels per degree: 256 * 2**zoom / 360.
    zoom = math.log2(scale * 360 / 256)
    width, height = size
    taken = list(symbols)
    placed: dict[str, list[tuple[float, float]]] = {}  # a river's name, where it is
    out = []
    for kind, min_zoom, _priority, lon, lat, text in _labels(str(labels_path)):
        if kind not in FONT or min_zoom > zoom + 0.5:
            continue
        x, y = project(lon, lat)
        font = FONT[kind]
        w = len(text) * font * CHAR_WIDTH.get(language, 0.6) + (
            8 if kind in ("city", "capital") else 0
        )
        h = font * 1.3
        left = x - 3 if kind in ("city", "capital") else x - w / 2
        box = (left - 2, y - h / 2 - 1, left + w + 2, y + h / 2 + 1)
        if box[0] < 2 or box[1] < 2 or box[2] > width - 2 or box[3] > height - 2:
            continue
        if any(_overlaps(box, other) for other in taken):
            continue
        # A river's name again along its course: not within 300 px of where it is.
        if any(math.hypot(x - px, y - py) < 300 for px, py in placed.get(text, [])):
            continue
        taken.append(box)
        placed.setdefault(text, []).append((x, y))
        label = escape(text.upper() if kind == "country" and language == "en" else text)
        style = f"font-size:{font}px"
        if kind in ("city", "capital"):
            out.append(f'<circle class="base" cx="{x:.1f}" cy="{y:.1f}" r="2.2"/>')
            out.append(
                f'<text class="base {kind}" x="{x + 5:.1f}" y="{y + font * 0.35:.1f}" '
                f'style="{style};text-anchor:start">{label}</text>'
            )
        else:
            out.append(
                f'<text class="base {kind}" x="{x:.1f}" y="{y + font * 0.35:.1f}" '
                f'style="{style}">{label}</text>'
            )
    return out
