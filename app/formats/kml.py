"""KML 2.2 for Google Earth (and GDAL): a Document with styles and three Folders.

- Places: countries, regions and rivers as the areas stored for them (polygons,
  lines), circles as polygons, point-precision places as Points.
- Legs: told routes as LineStrings between the two places' anchors (editorial
  representative points); legs whose route the sources do not tell are not drawn.
- Hazards: Points at their place's anchor, as the map shows them; hazards whose place
  is not told are not drawn.

What is not drawn is listed, with its quotes, in the Document's description. Every
description is HTML (as Google Earth shows balloons) holding the quotes verbatim, their
source and passage, and an absolute link to the quoted words. Icons: no image at all
(no third-party URL): Google Earth tints its own default icon with the hazard kind's
colour.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..maps.leg_paths import leg_path
from ..pages.geojson import leg_drawing_note, place_geometry
from ..pages.records import Data
from ..vocabulary import HAZARD_KINDS
from .collection import drawn_legs, located
from .text import html_text, xml_text

NAMESPACE = "http://www.opengis.net/kml/2.2"
FOLDERS = ("Places", "Legs", "Hazards")
# Line colours by journey kind (as #rrggbb); approximate legs are thinner and paler,
# since KML lines cannot be dashed like the map's.
LEG_COLORS = {"journey": "#b22222", "direct-route": "#555555", "general-route": "#1f4e79"}


def kml_color(rgb: str, alpha: str = "ff") -> str:
    """KML writes colours as aabbggrr."""
    rgb = rgb.lstrip("#")
    return alpha + rgb[4:6] + rgb[2:4] + rgb[0:2]


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def quotes_html(item: Data, root: str) -> str:
    parts = []
    for c in item["citations"]:
        url = html_text(root + c["url"])
        if c.get("sensitivity_labels"):
            parts.append(
                f"<p><em>Content note: {html_text(', '.join(c['sensitivity_labels']))}</em></p>"
            )
        parts.append(
            f"<blockquote>“{html_text(c['quote'])}”</blockquote>"
            f"<p>— {html_text(c.get('source_name') or c['source'])}, passage {c['passage']}: "
            f'<a href="{url}">the words in their passage</a></p>'
        )
    return "".join(parts)


def _styles(document: ET.Element) -> None:
    for kind, color in LEG_COLORS.items():
        for approximate in (False, True):
            style = _sub(document, "Style", id=leg_style(kind, approximate))
            line = _sub(style, "LineStyle")
            _sub(line, "color", kml_color(color, "99" if approximate else "ff"))
            _sub(line, "width", 2 if approximate else 4)
    for kind, meta in HAZARD_KINDS.items():
        style = _sub(document, "Style", id=f"hazard-{kind}")
        icon = _sub(style, "IconStyle")
        _sub(icon, "color", kml_color(meta.color))
        _sub(icon, "scale", "1.1")
    for precise in (True, False):
        style = _sub(document, "Style", id="place-point" if precise else "place-area")
        _sub(_sub(style, "LineStyle"), "color", kml_color("#444444", "cc"))
        poly = _sub(style, "PolyStyle")
        _sub(poly, "color", kml_color("#7a7a7a", "40"))


def leg_style(kind: str, approximate: bool) -> str:
    return f"leg-{kind}-{'approximate' if approximate else 'exact'}"


def _coordinates(positions: list[list[float]]) -> str:
    return " ".join(f"{p[0]},{p[1]}" for p in positions)


def _polygon(parent: ET.Element, rings: list[list[list[float]]]) -> None:
    polygon = _sub(parent, "Polygon")
    for n, ring in enumerate(rings):
        boundary = _sub(polygon, "outerBoundaryIs" if n == 0 else "innerBoundaryIs")
        _sub(_sub(boundary, "LinearRing"), "coordinates", _coordinates(ring))


def _geometry(placemark: ET.Element, geometry: dict[str, Any]) -> None:
    """A GeoJSON geometry ([lon, lat]) as KML (which also writes lon,lat)."""
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        _sub(_sub(placemark, "Point"), "coordinates", _coordinates([coordinates]))
    elif kind == "LineString":
        line = _sub(placemark, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coordinates(coordinates))
    elif kind == "Polygon":
        _polygon(placemark, coordinates)
    elif kind == "MultiPolygon":
        multi = _sub(placemark, "MultiGeometry")
        for polygon in coordinates:
            _polygon(multi, polygon)
    elif kind == "MultiLineString":
        multi = _sub(placemark, "MultiGeometry")
        for line in coordinates:
            _sub(_sub(multi, "LineString"), "coordinates", _coordinates(line))
    else:
        raise ValueError(f"no KML for a {kind} geometry")


def _placemark(
    folder: ET.Element,
    ident: str,
    name: str,
    style: str,
    description: str,
    data: dict[str, object],
    geometry: dict[str, Any],
) -> None:
    """In KML's element order: name, description, styleUrl, ExtendedData, geometry."""
    placemark = _sub(folder, "Placemark", id=ident)
    _sub(placemark, "name", name)
    _sub(placemark, "description", description)
    _sub(placemark, "styleUrl", f"#{style}")
    extended = _sub(placemark, "ExtendedData")
    for key, value in data.items():
        _sub(_sub(extended, "Data", name=key), "value", value)
    _geometry(placemark, geometry)


def _place_note(place: Data) -> str:
    """Who chose the drawn point (the sources only when one states it), then how the
    place is drawn."""
    chosen = f"<p>{html_text(place['point']['text'])}.</p>"
    if not place["approximate"]:
        return chosen
    return chosen + (
        f"<p>{html_text(place['precision_label'])}: drawn as the area of "
        f"{html_text(place['name'])}, not as a point.</p>"
    )


def _hazard_html(hazard: Data, root: str) -> str:
    return (
        f"<p><strong>{html_text(hazard['kind_label'])}</strong>. {html_text(hazard['summary'])}</p>"
        + quotes_html(hazard, root)
    )


def _document_description(collection: Data, root: str) -> str:
    parts = []
    for page in collection["journeys"]:
        drawn = {leg["order"] for leg in drawn_legs(page)}
        parts.append(
            f'<h2><a href="{html_text(root + page["url"])}">{html_text(page["title"])}</a></h2>'
            f"<p>{html_text(page['summary'])}</p>" + quotes_html(page, root)
        )
        for leg in page["legs"]:
            if leg["order"] not in drawn:
                parts.append(
                    f"<h3>Leg {leg['order']}: {html_text(leg['label'])} (not drawn: the "
                    f"sources do not tell the route)</h3><p>{html_text(leg['summary'])}</p>"
                    + quotes_html(leg, root)
                )
    places = {p["slug"]: p for p in collection["places"]}
    for hazard in collection["hazards"]:
        if located(hazard, places) is None:
            parts.append(
                f"<h3>Hazard: {html_text(hazard['name'])} (not drawn: "
                f"{html_text(hazard['place_name'])}, no location told)</h3>"
                + _hazard_html(hazard, root)
            )
    return (
        "<p>Every line, area and point cites the articles' own words. Anchors (where lines "
        "meet) are editorial representative points, not locations the sources give.</p>"
        + "".join(parts)
    )


def kml_document(collection: Data, root: str) -> str:
    """`root` is the site's absolute root (scheme and host), prefixed to every link."""
    kml = ET.Element("kml", xmlns=NAMESPACE)
    document = _sub(kml, "Document", id=collection["slug"])
    _sub(document, "name", collection["title"])
    _sub(document, "description", _document_description(collection, root))
    _styles(document)
    places_folder, legs_folder, hazards_folder = (_folder(document, name) for name in FOLDERS)
    places = {p["slug"]: p for p in collection["places"]}
    for place in collection["places"]:
        geometry = place_geometry(place)
        if geometry is None:
            continue  # a place with no location is not drawn (as on the map)
        description = _place_note(place)
        if place.get("anchor_note"):
            description += f"<p>{html_text(place['anchor_note'])}</p>"
        _placemark(
            places_folder,
            f"place-{place['slug']}",
            place["name"],
            "place-area" if place["approximate"] else "place-point",
            description + quotes_html(place, root),
            {"place": place["slug"], "precision": place["precision"], "kind": place["kind"]},
            geometry,
        )
    several = len(collection["journeys"]) > 1
    for page in collection["journeys"]:
        for leg in drawn_legs(page):
            drawn = leg_path(leg, places)
            assert drawn is not None  # drawn_legs: a told route between located places
            distance = (
                f"At least {leg['distance_km']:,.0f} km in a straight line (the shortest "
                "distance between the two places' areas)."
                if leg["distance_km"] is not None
                else "No distance: the two places' areas touch or nearly touch."
            )
            words = f"<p><em>{html_text(drawn.label)}</em></p>" if drawn.label else ""
            _placemark(
                legs_folder,
                f"{page['slug']}-leg-{leg['order']}",
                (f"{page['title']}: " if several else "") + f"Leg {leg['order']}: {leg['label']}",
                leg_style(page["kind"], leg["approximate"]),
                f"<p>{html_text(leg['summary'])}</p>{words}<p>{html_text(distance)} "
                f"{html_text(leg_drawing_note(leg))}</p>" + quotes_html(leg, root),
                {
                    "journey": page["slug"],
                    "order": leg["order"],
                    "precision": leg["precision"],
                    "drawing": f"schematic: {drawn.style}",
                },
                {"type": "LineString", "coordinates": [p[::-1] for p in drawn.points]},
            )
    for hazard in collection["hazards"]:
        place = located(hazard, places)
        if place is None:
            continue  # listed in the Document's description instead
        where = (
            f"<p>Shown at a representative point of {html_text(place['name'])}: "
            f"{html_text(place['precision_label'])}.</p>"
            if place["approximate"]
            else f"<p>At {html_text(place['name'])}.</p>"
        )
        _placemark(
            hazards_folder,
            f"hazard-{hazard['slug']}",
            hazard["name"],
            f"hazard-{hazard['kind']}",
            where + _hazard_html(hazard, root),
            {"kind": hazard["kind"], "place": place["slug"], "precision": hazard["precision"]},
            {"type": "Point", "coordinates": place["anchor"][::-1]},
        )
    ET.indent(kml, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"


def _folder(document: ET.Element, name: str) -> ET.Element:
    folder = _sub(document, "Folder", id=name.lower())
    _sub(folder, "name", name)
    return folder
