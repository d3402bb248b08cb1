"""GPX 1.1: each run of told legs as a route (<rte>) through its places' anchors, and
each hazard whose place is told as a waypoint (<wpt>) at that place's anchor.

A GPX point always looks like a precise pin, so every point says what it is: <type>
and <desc> state whether the sources give an exact point or the point is an editorial
representative point of an area (a country, region, city or river). Legs whose route
the sources do not tell are not drawn: a route breaks there, and the next told leg
starts a new one (the untold legs are named in the route's description).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..maps.leg_paths import OVERLAND, leg_path
from ..pages.geojson import leg_drawing_note
from ..pages.records import Data
from .collection import drawn_legs, located
from .text import xml_text

NAMESPACE = "http://www.topografix.com/GPX/1/1"
SCHEMA = "http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd"


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


# GDAL's GPX reader gives up on an element holding more than about 80 kB of text (it
# reads 8 kB at a time and stops after 10 reads without a new element), so a
# description stops adding quotes at this many characters (UTF-8 may take 3 bytes for
# one) and says how many more there are, and where they are.
DESC_LIMIT = 20_000


def quotes_text(item: Data, root: str, more_at: str, budget: int = DESC_LIMIT) -> str:
    """The quotes as plain text (GPX descriptions are text): verbatim, with source,
    passage and link; those beyond the budget are counted, not written."""
    lines: list[str] = []
    for n, c in enumerate(item["citations"]):
        note = ", ".join(c.get("sensitivity_labels") or [])
        line = (
            (f"[Content note: {note}] " if note else "")
            + f"“{c['quote']}” — {c.get('source_name') or c['source']}, passage {c['passage']}: "
            f"{root}{c['url']}"
        )
        if len(line) > budget:
            left = len(item["citations"]) - n
            lines.append(f"(and {left} more quotes, too long for GPX: see {more_at})")
            break
        budget -= len(line) + 1
        lines.append(line)
    return "\n".join(lines)


def hazard_url(hazard: Data, root: str, fallback: str) -> str:
    """Where a hazard's every quote is shown: its first journey's page, else `fallback`."""
    if hazard["journeys"]:
        return f"{root}{hazard['journeys'][0]['url']}#hazard-{hazard['slug']}"
    return fallback


def point_type(place: Data) -> str:
    if place["point"]["chosen_by"] == "sources":
        return "exact point the sources state"
    if not place["approximate"]:
        return "exact point, the atlas's own choice"
    return f"representative point of an area ({place['precision']})"


def point_note(place: Data) -> str:
    """Who chose the point (app/pages/records.py `point_data`), and the place's note."""
    note = f" {place['anchor_note']}" if place.get("anchor_note") else ""
    return f"{place['name']}: {place['precision_label']}. {place['point']['text']}.{note}"


def _links(element: ET.Element, item: Data, root: str) -> None:
    for c in item["citations"]:
        link = _sub(element, "link", href=xml_text(root + c["url"]))
        _sub(link, "text", f"{c.get('source_name') or c['source']}, passage {c['passage']}")


def _runs(page: Data) -> list[list[Data]]:
    """Consecutive drawn legs that join end to start, each run one route."""
    runs: list[list[Data]] = []
    drawn = {leg["order"] for leg in drawn_legs(page)}
    previous: Data | None = None
    for leg in page["legs"]:
        if leg["order"] not in drawn:
            previous = None
            continue
        if previous is not None and previous["to"] == leg["from"]:
            runs[-1].append(leg)
        else:
            runs.append([leg])
        previous = leg
    return runs


def _point(parent: ET.Element, tag: str, place: Data) -> ET.Element:
    lat, lon = place["anchor"]
    return _sub(parent, tag, lat=repr(float(lat)), lon=repr(float(lon)))


# At most this many points of an over-land drawing between two places go into a route.
SCHEMATIC_POINTS = 12


def schematic_points(leg: Data, places: dict[str, Data]) -> list[tuple[float, float]]:
    """The inner points of a leg drawn over land (app/maps/leg_paths.py), thinned: the
    route then runs over land as the maps draw it. None for other drawings."""
    drawn = leg_path(leg, places)
    if drawn is None or drawn.style != OVERLAND:
        return []
    inner = drawn.points[1:-1]
    step = max(1, -(-len(inner) // SCHEMATIC_POINTS))
    return [(float(p[0]), float(p[1])) for p in inner[step // 2 :: step]]


def _route_point(rte: ET.Element, place: Data, root: str, collection: Data) -> None:
    rtept = _point(rte, "rtept", place)
    _sub(rtept, "name", place["name"])
    _sub(
        rtept,
        "desc",
        point_note(place) + "\n" + quotes_text(place, root, root + collection["url"]),
    )
    _links(rtept, place, root)
    _sub(rtept, "type", point_type(place))


def gpx_document(collection: Data, root: str) -> str:
    gpx = ET.Element(
        "gpx",
        {
            "version": "1.1",
            "creator": "Escape Route Atlas",
            "xmlns": NAMESPACE,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": SCHEMA,
        },
    )
    metadata = _sub(gpx, "metadata")
    _sub(metadata, "name", collection["title"])
    _sub(
        metadata,
        "desc",
        "Schematic routes between editorial representative points, from the articles' own "
        "words; not a surveyed path and not for navigation.",
    )
    link = _sub(metadata, "link", href=xml_text(root + collection["url"]))
    _sub(link, "text", collection["title"])
    places = {p["slug"]: p for p in collection["places"]}
    # Waypoints come first in GPX 1.1's sequence (wpt, rte, trk).
    for hazard in collection["hazards"]:
        place = located(hazard, places)
        if place is None:
            continue
        wpt = _point(gpx, "wpt", place)
        _sub(wpt, "name", hazard["name"])
        _sub(
            wpt,
            "desc",
            f"{hazard['kind_label']}. {hazard['summary']}\n{point_note(place)}\n"
            + quotes_text(hazard, root, hazard_url(hazard, root, root + collection["url"])),
        )
        _links(wpt, hazard, root)
        _sub(wpt, "type", f"hazard: {hazard['kind']}; {point_type(place)}")
    several = len(collection["journeys"]) > 1
    for page in collection["journeys"]:
        untold = [leg for leg in page["legs"] if leg not in drawn_legs(page)]
        for n, run in enumerate(_runs(page), 1):
            rte = _sub(gpx, "rte")
            title = f"{page['title']}: " if several or len(_runs(page)) > 1 else ""
            _sub(rte, "name", f"{title}legs {run[0]['order']}–{run[-1]['order']}")
            budget = DESC_LIMIT // len(run)
            page_url = root + page["url"]
            lines = [
                f"Leg {leg['order']}: {leg['label']}. {leg['summary']}\n"
                f"{leg_drawing_note(leg)}\n"
                + quotes_text(leg, root, f"{page_url}#leg-{leg['order']}", budget)
                for leg in run
            ]
            lines += [
                f"Leg {leg['order']} ({leg['label']}) is not drawn: the sources do not tell "
                "the route."
                for leg in untold
            ]
            _sub(rte, "desc", "\n".join(lines))
            route_link = _sub(rte, "link", href=xml_text(root + page["url"]))
            _sub(route_link, "text", page["title"])
            _sub(rte, "number", n)
            _sub(rte, "type", page["kind"])
            _route_point(rte, places[run[0]["from"]], root, collection)
            for leg in run:
                for lat, lon in schematic_points(leg, places):
                    rtept = _sub(rte, "rtept", lat=repr(lat), lon=repr(lon))
                    _sub(rtept, "name", f"Leg {leg['order']}: schematic point")
                    _sub(rtept, "desc", leg_drawing_note(leg))
                    _sub(rtept, "type", "schematic point (the atlas's drawing)")
                _route_point(rte, places[leg["to"]], root, collection)
    ET.indent(gpx, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(gpx, encoding="unicode") + "\n"
