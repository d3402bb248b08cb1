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
from .svg_base import STYLE, base_labels, base_layers

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


def _symbol_boxes(page: Data, places: dict[str, Data], frame: _Frame) -> list[Box]:
    """Where the stops and hazards will be drawn (boxes in pixels, as drawn below)."""
    boxes = []
    for stop in page["stops"]:
        anchor = places[stop["place"]]["anchor"]
        if anchor:
            x, y = frame.xy(anchor[1], anchor[0])
            boxes.append((x - 11, y - 11, x + 11, y + 11))
    drawn = [h for h in page["hazards"] if h["mapped"]]
    for hazard in drawn:
        x, y = _hazard_xy(hazard, drawn, places, frame)
        boxes.append((x - 10, y - 10, x + 10, y + 10))
    return boxes


def _hazard_xy(
    hazard: Data, drawn: list[Data], places: dict[str, Data], frame: _Frame
) -> tuple[float, float]:
    anchor = places[hazard["place"]]["anchor"]
    slot = [h for h in drawn if h["place"] == hazard["place"]].index(hazard)
    angle = 2 * math.pi * slot / 8 + math.pi / 4
    x, y = frame.xy(anchor[1], anchor[0])
    return (
        x + 24 * math.cos(angle) * (1 + slot // 8),
        y + 24 * math.sin(angle) * (1 + slot // 8),
    )


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
    out += base_labels(
        labels_path,
        language,
        frame.scale * frame.aspect,
        (WIDTH, frame.height),
        frame.xy,
        _symbol_boxes(page, places, frame),
    )
    for leg in page["legs"]:
        start, end = places[leg["from"]]["anchor"], places[leg["to"]]["anchor"]
        if leg["route"] != "known" or not start or not end:
            continue
        (x1, y1), (x2, y2) = frame.xy(start[1], start[0]), frame.xy(end[1], end[0])
        dashed = " dashed" if leg["approximate"] else ""
        out.append(
            f'<line class="leg{dashed}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" marker-end="url(#arrow)"><title>{escape(leg["label"])}</title></line>'
        )
    for stop in page["stops"]:
        anchor = places[stop["place"]]["anchor"]
        if anchor:
            x, y = frame.xy(anchor[1], anchor[0])
            out.append(
                f'<g class="stop"><circle cx="{x:.1f}" cy="{y:.1f}" r="10"/>'
                f'<text x="{x:.1f}" y="{y + 4:.1f}">{stop["number"]}</text>'
                f"<title>{escape(stop['name'])}</title></g>"
            )
    drawn = [h for h in page["hazards"] if h["mapped"]]
    for n, hazard in enumerate(page["hazards"]):
        if hazard not in drawn:
            continue
        x, y = _hazard_xy(hazard, drawn, places, frame)
        out.append(
            f'<g class="hazard"><rect x="{x - 9:.1f}" y="{y - 9:.1f}" width="18" height="18" '
            f'rx="3"/><text x="{x:.1f}" y="{y + 4:.1f}">{hazard_letter(n)}</text>'
            f"<title>{escape(hazard['name'])}</title></g>"
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text above is escaped
