"""How a leg is drawn: one geometry for every renderer (the Folium map, the data-mode
map, the handout's SVG, GeoJSON, KML and GPX), so each says the same thing.

No source traces any route, so every drawn leg is the atlas's schematic drawing:

- a told stage (A, then B): a straight schematic line between the two places;
- `drawing: overland` (told as overland through a country, not traced): a schematic
  path over land between the two places, found on Natural Earth's 1:10m land (never
  across a sea), labelled "route through China not told";
- `drawing: relocated` (moved from A to B, how not told): a thin dotted connector
  between the two places rather than a path, labelled "relocated; how is not told"
  (straight: a curve would read as a flight path, which no source tells).

An end at a river or border (drawn as a band) is where the leg meets the band, at the
band's point nearest the leg's other end: the band's own anchor (a named mountain, say)
would read as a crossing point, which no source names.
"""

from __future__ import annotations

import functools
import heapq
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from flask_babel import gettext as _
from shapely.geometry import LineString, MultiPolygon, Point, shape
from shapely.ops import nearest_points

Data = dict[str, Any]
LatLon = list[float]

LAND_PATH = Path(__file__).parent / "geodata" / "land.geojson"
# The path keeps this far inland (degrees, about 30 km), so it reads as over land at
# every zoom and its simplified corners stay off the coast.
INLAND_DEG = 0.3
# The grid the path is searched on (degrees) and how far around the two ends it looks.
GRID_DEG = 0.25
SEARCH_PAD_DEG = 6.0
# The points of a relocation connector (straight: no bulge, which would read as a
# flight's arc, or as a way over one country or another).
ARC_BULGE = 0.0
ARC_POINTS = 9
# How far from a corner the softening may cut (degrees): less than INLAND_DEG.
SOFTEN_DEG = 0.6

LINE = "line"
OVERLAND = "overland"
RELOCATED = "relocated"


@dataclass(frozen=True)
class LegPath:
    """A drawn leg: its points ([lat, lon]), its style (LINE, OVERLAND, RELOCATED) and
    the words drawn along it (None for a plain schematic line)."""

    points: list[LatLon]
    style: str
    label: str | None


def schematic_note(style: str, through: str | None = None) -> str:
    """What the drawing is, for popups and downloads."""
    if style == OVERLAND:
        if through:
            return str(
                _(
                    "Schematic: the atlas's drawing over land; the sources say only"
                    " “through %(country)s”, not where.",
                    country=through,
                )
            )
        return str(_("Schematic: the atlas's drawing over land; the sources do not say where."))
    if style == RELOCATED:
        return str(
            _(
                "Schematic: a connector between the two places, not a path; the sources"
                " do not say how they were moved."
            )
        )
    return str(
        _(
            "Schematic: a straight line the atlas draws between the two places; the sources"
            " do not trace the route."
        )
    )


def leg_label(leg: Data) -> str | None:
    if leg.get("drawing") == OVERLAND:
        if leg.get("through"):
            return str(_("route through %(country)s not told", country=leg["through"]))
        return str(_("route not told"))
    if leg.get("drawing") == RELOCATED:
        return str(_("relocated; how is not told"))
    return None


def leg_path(leg: Data, places: dict[str, Data]) -> LegPath | None:
    """The drawn leg, or None where nothing is drawn (an untold route, an end with no
    location): a line would claim a crossing the sources do not tell."""
    start_place, end_place = places[leg["from"]], places[leg["to"]]
    if leg["route"] != "known" or not start_place["anchor"] or not end_place["anchor"]:
        return None
    start = _end_point(start_place, end_place["anchor"])
    end = _end_point(end_place, start_place["anchor"])
    drawing = leg.get("drawing")
    if drawing == OVERLAND:
        points = overland_path(tuple(start), tuple(end))
        style = OVERLAND
    elif drawing == RELOCATED:
        points = arc(start, end)
        style = RELOCATED
    else:
        points, style = [start, end], LINE
    return LegPath(points, style, leg_label(leg))


def _end_point(place: Data, other: LatLon) -> LatLon:
    """The place's anchor, or for a band (river, border) its point nearest `other`."""
    area = place["area"]
    if area.get("kind") == "line" and area.get("geometry"):
        band = LineString(area["geometry"]["coordinates"])
        nearest = nearest_points(band, Point(other[1], other[0]))[0]
        return [round(nearest.y, 4), round(nearest.x, 4)]
    return list(place["anchor"])


def midpoint(points: list[LatLon]) -> LatLon:
    """The point halfway along a drawn path (where its label goes)."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:], strict=False)]
    half = sum(lengths) / 2
    for (a, b), length in zip(zip(points, points[1:], strict=False), lengths, strict=True):
        if half <= length and length > 0:
            t = half / length
            return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
        half -= length
    return list(points[-1])


def arc(start: LatLon, end: LatLon) -> list[LatLon]:
    """A connector from start to end (a quadratic Bézier in lat/lon, bulging by
    ARC_BULGE of its length to the left of the direction of travel)."""
    (y1, x1), (y2, x2) = start, end
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    # Bulge to the left of the direction of travel.
    cx, cy = mx - (y2 - y1) * ARC_BULGE, my + (x2 - x1) * ARC_BULGE
    points = []
    for i in range(ARC_POINTS):
        t = i / (ARC_POINTS - 1)
        x = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t**2 * x2
        y = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t**2 * y2
        points.append([round(y, 4), round(x, 4)])
    return points


@functools.cache
def _land() -> tuple[Any, Any]:
    """Natural Earth's 1:10m land, and the part of it at least INLAND_DEG from a coast
    (both prepared for fast tests), read once per process."""
    features = json.loads(LAND_PATH.read_text())["features"]
    polygons = []
    for feature in features:
        geometry = shape(feature["geometry"])
        polygons += list(getattr(geometry, "geoms", [geometry]))
    land = MultiPolygon(polygons)  # Natural Earth's land polygons do not overlap
    inland = land.simplify(0.02).buffer(-INLAND_DEG)
    shapely.prepare(land)
    shapely.prepare(inland)
    return land, inland


def over_land_share(points: list[LatLon], step_km: float = 5.0) -> float:
    """The share of a path's length over land (sampled every `step_km`)."""
    land, _inland = _land()
    samples = _samples(points, step_km / 111.0)
    inside = shapely.contains_xy(land, [p[1] for p in samples], [p[0] for p in samples])
    return float(np.mean(inside)) if len(samples) else 1.0


def _samples(points: list[LatLon], step_deg: float) -> list[LatLon]:
    out: list[LatLon] = []
    for a, b in zip(points, points[1:], strict=False):
        n = max(1, math.ceil(math.dist(a, b) / step_deg))
        out += [[a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n] for i in range(n)]
    return out + [list(points[-1])]


@functools.lru_cache(maxsize=256)
def overland_path(start: tuple[float, float], end: tuple[float, float]) -> list[LatLon]:
    """A short path over land from start to end ([lat, lon]): the shortest path on a
    grid of inland points, pulled taut, then softened. Falls back to the straight line
    where the two ends are not joined by land (the caller's data is then at fault)."""
    land, inland = _land()
    south = min(start[0], end[0]) - SEARCH_PAD_DEG
    north = max(start[0], end[0]) + SEARCH_PAD_DEG
    west = min(start[1], end[1]) - SEARCH_PAD_DEG
    east = max(start[1], end[1]) + SEARCH_PAD_DEG
    lats = np.arange(south, north + GRID_DEG, GRID_DEG)
    lons = np.arange(west, east + GRID_DEG, GRID_DEG)
    grid_lon, grid_lat = np.meshgrid(lons, lats)
    ok = shapely.contains_xy(inland, grid_lon, grid_lat)
    cells = _grid_path(ok, lats, lons, start, end)
    if cells is None:
        return [list(start), list(end)]
    points = [list(start)] + [[float(lats[i]), float(lons[j])] for i, j in cells] + [list(end)]
    points = [p for n, p in enumerate(points) if n == 0 or p != points[n - 1]]
    taut = _pull_taut(points, land, inland)
    soft = _soften(taut)
    return [[round(p[0], 4), round(p[1], 4)] for p in (soft if _on_land(soft, land) else taut)]


def _nearest_cell(ok: Any, lats: Any, lons: Any, point: tuple[float, float]) -> tuple[int, int]:
    rows, cols = np.nonzero(ok)
    aspect = math.cos(math.radians(point[0]))
    d = (lats[rows] - point[0]) ** 2 + ((lons[cols] - point[1]) * aspect) ** 2
    k = int(np.argmin(d))
    return int(rows[k]), int(cols[k])


def _grid_path(
    ok: Any, lats: Any, lons: Any, start: tuple[float, float], end: tuple[float, float]
) -> list[tuple[int, int]] | None:
    """A* over the inland cells (8 neighbours, cost in degrees scaled by latitude)."""
    if not ok.any():
        return None
    source = _nearest_cell(ok, lats, lons, start)
    target = _nearest_cell(ok, lats, lons, end)
    coslat = np.cos(np.radians(lats))

    def cost(a: tuple[int, int], b: tuple[int, int]) -> float:
        dy = (a[0] - b[0]) * GRID_DEG
        dx = (a[1] - b[1]) * GRID_DEG * coslat[a[0]]
        return math.hypot(dx, dy)

    best = {source: 0.0}
    came: dict[tuple[int, int], tuple[int, int]] = {}
    queue = [(cost(source, target), source)]
    steps = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
    rows, cols = ok.shape
    while queue:
        _f, cell = heapq.heappop(queue)
        if cell == target:
            path = [cell]
            while cell in came:
                cell = came[cell]
                path.append(cell)
            return path[::-1]
        for di, dj in steps:
            nxt = (cell[0] + di, cell[1] + dj)
            if not (0 <= nxt[0] < rows and 0 <= nxt[1] < cols) or not ok[nxt]:
                continue
            g = best[cell] + cost(cell, nxt)
            if g < best.get(nxt, math.inf):
                best[nxt] = g
                came[nxt] = cell
                heapq.heappush(queue, (g + cost(nxt, target), nxt))
    return None


def _pull_taut(points: list[LatLon], land: Any, inland: Any) -> list[LatLon]:
    """Drop the points a straight segment can skip (greedy, from each kept point as far
    ahead as the segment stays inland; over land, for a segment from or to a place,
    which may lie near a coast)."""
    out = [points[0]]
    i = 0
    last = len(points) - 1
    while i < last:
        j = i + 1
        while j < last:
            ends = i == 0 or j + 1 == last
            within = land if ends else inland
            a, b = points[i], points[j + 1]
            if not within.contains(LineString([(a[1], a[0]), (b[1], b[0])])):
                break
            j += 1
        out.append(points[j])
        i = j
    return out


def _soften(points: list[LatLon], rounds: int = 3) -> list[LatLon]:
    """Chaikin corner cutting, each cut at most SOFTEN_DEG from its corner (so the
    softened path stays inland): a schematic path, not a surveyed one."""
    for _round in range(rounds):
        if len(points) < 3:
            return points
        out = [points[0]]
        for a, b in zip(points, points[1:], strict=False):
            q = min(0.25, SOFTEN_DEG / max(math.dist(a, b), 1e-9))
            out.append([(1 - q) * a[0] + q * b[0], (1 - q) * a[1] + q * b[1]])
            out.append([q * a[0] + (1 - q) * b[0], q * a[1] + (1 - q) * b[1]])
        out.append(points[-1])
        points = out
    return points


def _on_land(points: list[LatLon], land: Any) -> bool:
    return bool(land.contains(LineString([(p[1], p[0]) for p in points])))
