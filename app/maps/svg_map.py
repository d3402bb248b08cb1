"""A static map of one journey, drawn on the server as SVG from the same data as the
interactive map: crisp in print, no JavaScript. The base map (land, lakes, rivers,
borders and a few labels in the page's language) is app/maps/svg_base.py; approximate
places are shaded areas or bands, legs are lines (dashed when approximate) with
arrowheads, stops are numbered, hazards are lettered to match the handout's hazard
list."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..geo import circle_ring
from .leg_paths import LINE, OVERLAND, LegPath, leg_path, midpoint
from .placement import Symbol, place_symbols
from .svg_base import CHAR_WIDTH, STYLE, base_labels, base_layers

Data = dict[str, Any]
Box = tuple[float, float, float, float]
WIDTH = 800.0
MAX_HEIGHT = 620.0
MARGIN_DEG = 2.0


def hazard_letter(n: int) -> str:
    """A, B, … Z, AA, AB …: the labels of hazards on the map and in the list."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class _Frame:
    """Equirectangular projection fitted to the journey (fine at this scale)."""

    west: float
    north: float
    scale: float
    aspect: float  # cos(mean latitude)
    height: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.west) * self.aspect * self.scale, (self.north - lat) * self.scale)

    def path(self, ring: list[list[float]], close: bool) -> str:
        points = [self.xy(lon, lat) for lon, lat in ring]
        d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
        return d + (" Z" if close else "")


def _frame(points: list[list[float]]) -> _Frame:
    lats = [p[0] for p in points] or [38.0]
    lons = [p[1] for p in points] or [127.0]
    south, north = min(lats) - MARGIN_DEG, max(lats) + MARGIN_DEG
    west, east = min(lons) - MARGIN_DEG, max(lons) + MARGIN_DEG
    aspect = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * aspect, 1.0)
    span_y = max(north - south, 1.0)
    scale = min(WIDTH / span_x, MAX_HEIGHT / span_y)
    return _Frame(west, north, scale, aspect, span_y * scale)


def _rings(geometry: dict[str, Any]) -> Iterator[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def _area(place: Data, frame: _Frame) -> str:
    area = place["area"]
    if area["kind"] == "natural_earth" and area.get("geometry"):
        d = " ".join(frame.path(r, True) for r in _rings(area["geometry"]))
        return f'<path class="area" d="{d}"/>'
    if area["kind"] == "circle" and place["anchor"]:
        ring = circle_ring(place["anchor"], area["radius_km"], vertices=36)
        return f'<path class="area" d="{frame.path(ring, True)}"/>'
    if area["kind"] == "line" and area.get("geometry"):
        return f'<path class="band" d="{frame.path(area["geometry"]["coordinates"], False)}"/>'
    return ""


def _leg(leg: Data, drawn: LegPath, frame: _Frame) -> str:
    """A leg as app/maps/leg_paths.py draws it, with its words along it."""
    d = frame.path([[lon, lat] for lat, lon in drawn.points], False)
    style = {LINE: " dashed" if leg["approximate"] else "", OVERLAND: " overland"}.get(
        drawn.style, " relocated"
    )
    parts = []
    if drawn.style == OVERLAND:
        parts.append(f'<path class="corridor" d="{d}"/>')
    parts.append(
        f'<path class="leg{style}" d="{d}" marker-end="url(#arrow)">'
        f"<title>{escape(leg['label'])}</title></path>"
    )
    if drawn.label:
        lat, lon = midpoint(drawn.points)
        x, y = frame.xy(lon, lat)
        parts.append(
            f'<text class="leg-label" x="{x:.1f}" y="{y + 18:.1f}">{escape(drawn.label)}</text>'
        )
    return "".join(parts)


STOP_HALF = 11.0  # a stop's circle (r 10) and its stroke
HAZARD_HALF = 10.0  # a hazard's square (18) and its stroke
HAZARD_RING = 24.0


def _symbols(page: Data, places: dict[str, Data], frame: _Frame) -> tuple[list[str], list[Box]]:
    """Numbered stops, then lettered hazards (around their place), placed so that none
    covers another (app/maps/placement.py); a thin line leads a moved one to its place.
    Also their boxes (pixels), which the base map's labels keep clear of."""
    stops = [s for s in page["stops"] if places[s["place"]]["anchor"]]
    drawn = [(n, h) for n, h in enumerate(page["hazards"]) if h["mapped"]]
    symbols = []
    for stop in stops:
        anchor = places[stop["place"]]["anchor"]
        x, y = frame.xy(anchor[1], anchor[0])
        symbols.append(Symbol(x, y, STOP_HALF))
    for _n, hazard in drawn:
        anchor = places[hazard["place"]]["anchor"]
        x, y = frame.xy(anchor[1], anchor[0])
        slot = [h for _m, h in drawn if h["place"] == hazard["place"]].index(hazard)
        angle = 2 * math.pi * slot / 8 + math.pi / 4
        reach = HAZARD_RING * (1 + slot // 8)
        symbols.append(Symbol(x, y, HAZARD_HALF, reach * math.cos(angle), reach * math.sin(angle)))
    spots = place_symbols(symbols)
    leaders = [
        f'<line class="leader" x1="{spot.x:.1f}" y1="{spot.y:.1f}" '
        f'x2="{symbol.x:.1f}" y2="{symbol.y:.1f}"/>'
        for symbol, spot in zip(symbols, spots, strict=True)
        if spot.moved
    ]
    out = leaders
    for stop, spot in zip(stops, spots, strict=False):
        # A place known only to an area: its number is the area's label (a dashed
        # ring), not a pin on a spot (as on the web map).
        area = " area" if places[stop["place"]].get("stop_style") == "area" else ""
        out.append(
            f'<g class="stop{area}"><circle cx="{spot.x:.1f}" cy="{spot.y:.1f}" r="10"/>'
            f'<text x="{spot.x:.1f}" y="{spot.y + 4:.1f}">{stop["number"]}</text>'
            f"<title>{escape(stop['name'])}</title></g>"
        )
    for (n, hazard), spot in zip(drawn, spots[len(stops) :], strict=True):
        out.append(
            f'<g class="hazard"><rect x="{spot.x - 9:.1f}" y="{spot.y - 9:.1f}" width="18" '
            f'height="18" rx="3"/><text x="{spot.x:.1f}" y="{spot.y + 4:.1f}">'
            f"{hazard_letter(n)}</text><title>{escape(hazard['name'])}</title></g>"
        )
    boxes = [
        (spot.x - half, spot.y - half, spot.x + half, spot.y + half)
        for symbol, spot in zip(symbols, spots, strict=True)
        for half in [symbol.half]
    ]
    return out, boxes


LEG_LABEL_FONT = 12.0  # px, static/css/handout.css .leg-label


def _leg_label_boxes(
    page: Data, places: dict[str, Data], frame: _Frame, language: str
) -> list[Box]:
    """Where the words along legs go (as `_leg` writes them), so base-map names keep clear."""
    out = []
    for leg in page["legs"]:
        drawn = leg_path(leg, places)
        if drawn is None or not drawn.label:
            continue
        lat, lon = midpoint(drawn.points)
        x, y = frame.xy(lon, lat)
        width = len(drawn.label) * LEG_LABEL_FONT * CHAR_WIDTH.get(language, 0.6)
        # Centred on the leg's middle (the map's text is anchored in the middle).
        out.append((x - width / 2 - 2, y + 18 - LEG_LABEL_FONT - 2, x + width / 2 + 2, y + 22))
    return out


def journey_svg(page: Data, labels_path: Path, language: str) -> Markup:
    """The SVG for a journey page's data (see app.pages.builders.journey_page);
    `labels_path`: the base map's labels in the page's language."""
    places = {p["slug"]: p for p in page["places"]}
    anchors = [p["anchor"] for p in places.values() if p["anchor"]]
    frame = _frame(anchors)
    east = frame.west + WIDTH / (frame.aspect * frame.scale)
    south = frame.north - frame.height / frame.scale
    bounds = (frame.west, south, east, frame.north)
    out = [
        f'<svg class="handout-map" role="img" '
        f'viewBox="0 0 {WIDTH:.0f} {frame.height:.0f}" '
        f'aria-label="{escape(_("Map of %(title)s", title=page["title"]))}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead"/></marker></defs>',
        STYLE,
        f'<rect class="sea" width="{WIDTH:.0f}" height="{frame.height:.0f}"/>',
        *base_layers(bounds, frame.scale * frame.aspect, frame.xy),
    ]
    for place in places.values():
        if place["approximate"]:
            out.append(_area(place, frame))
    symbols, boxes = _symbols(page, places, frame)
    boxes += _leg_label_boxes(page, places, frame, language)
    out += base_labels(
        labels_path,
        language,
        frame.scale * frame.aspect,
        (WIDTH, frame.height),
        frame.xy,
        boxes,
    )
    for leg in page["legs"]:
        path = leg_path(leg, places)
        if path is None:
            continue
        out.append(_leg(leg, path, frame))
    out += symbols
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text above is escaped
