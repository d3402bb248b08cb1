"""The two halves of a data-mode map served apart from its page (app/maps/data_layer.py):
its features as one compact JSON document, and each popup's HTML, built on demand from
the same page data, templates and escaping as the Folium map's popups."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from markupsafe import Markup

from .data_layer import (
    MIXED_HAZARDS,
    POPUP_HAZARDS,
    circle_radius,
    hazard_group_tooltip,
    hazards_by_place,
)
from .journey_map import (
    MapOptions,
    area_popup,
    area_tooltip,
    hazard_popup,
    journey_colors,
    leg_popup,
    leg_tooltip,
    stop_popup,
    stop_title,
)
from .leg_paths import leg_path, midpoint
from .popups import render

Data = dict[str, Any]
POPUP_KINDS = ("stop", "leg", "place", "hazards")


def _round(point: list[float]) -> list[float]:
    return [round(point[0], 5), round(point[1], 5)]


def map_document(
    journeys: list[Data], hazards: list[Data], places: list[Data], language: str
) -> Data:
    """The map's features as data: plain text (tooltips), numbers, ids; no HTML. The
    client sets every text with textContent."""
    with force_locale(language):
        by_slug = {p["slug"]: p for p in places}
        areas = []
        for place in places:
            area = place["area"]
            if not place["approximate"] or area["kind"] == "none":
                continue
            item: Data = {"id": place["slug"], "tooltip": area_tooltip(place)}
            if area["kind"] == "circle" and place["anchor"]:
                item["circle"] = [*_round(place["anchor"]), area["radius_km"] * 1000]
            elif area["kind"] in ("natural_earth", "line") and area.get("geometry"):
                item["geometry"] = area["geometry"]
                item["band"] = area["kind"] == "line"
            else:
                continue
            areas.append(item)
        routes = []
        for journey, color in zip(journeys, journey_colors(journeys), strict=True):
            stops = []
            for stop in journey["stops"]:
                place = by_slug[stop["place"]]
                if place["anchor"]:
                    stops.append(
                        [
                            *_round(place["anchor"]),
                            stop["number"],
                            # 2: known only to an area, drawn as the area's label
                            2 if place["stop_style"] == "area" else int(place["approximate"]),
                            stop_title(stop, place),
                        ]
                    )
            legs = []
            for leg in journey["legs"]:
                path = leg_path(leg, by_slug)
                if path is None:
                    continue  # an untold route is not drawn: a line would claim a crossing
                legs.append(
                    {
                        "path": [_round(p) for p in path.points],
                        "order": leg["order"],
                        "approximate": int(leg["approximate"]),
                        "style": path.style,
                        "label": path.label,
                        "labelAt": _round(midpoint(path.points)),
                        "tooltip": leg_tooltip(leg),
                    }
                )
            routes.append(
                {
                    "slug": journey["slug"],
                    "color": color,
                    "blocked": journey["kind"] == "direct-route",
                    "stops": stops,
                    "legs": legs,
                }
            )
        groups = []
        for slug, present in hazards_by_place(hazards).items():
            place = by_slug[slug]
            if not place["anchor"]:
                continue
            kinds = {h["kind"] for h in present}
            groups.append(
                {
                    "place": slug,
                    "at": _round(place["anchor"]),
                    "count": len(present),
                    "radius": circle_radius(len(present)),
                    "color": present[0]["color"] if len(kinds) == 1 else MIXED_HAZARDS,
                    "tooltip": hazard_group_tooltip(present, place),
                    # For links to a hazard (#hazard-slug, "Show on map"): its group.
                    "hazards": [h["slug"] for h in present],
                }
            )
    return {"areas": areas, "routes": routes, "hazards": groups}


def hazard_group_popup(present: list[Data], place: Data, popups: list[Markup]) -> Markup:
    """The popups of the hazards of one place, one after another (the first
    POPUP_HAZARDS of them; the rest counted, with the way to the full list)."""
    return render(
        "hazard_group.html",
        heading=hazard_group_tooltip(present, place),
        popups=popups,
        rest=len(present) - len(popups),
    )


def popup_html(
    journeys: list[Data],
    hazards: list[Data],
    places: list[Data],
    kind: str,
    ident: str,
    options: MapOptions,
) -> Markup | None:
    """The popup of one feature of a data-mode map (None: no such feature). Stops and
    legs are named `<journey>:<number>`, areas and hazard groups by their place."""
    with force_locale(options.language):
        by_slug = {p["slug"]: p for p in places}
        if kind in ("stop", "leg"):
            slug, _, number = ident.rpartition(":")
            journey = next((j for j in journeys if j["slug"] == slug), None)
            if journey is None or not number.isdigit():
                return None
            if kind == "stop":
                stop = next((s for s in journey["stops"] if s["number"] == int(number)), None)
                if stop is None:
                    return None
                return stop_popup(stop, by_slug[stop["place"]], options)
            leg = next((x for x in journey["legs"] if x["order"] == int(number)), None)
            if leg is None or leg_path(leg, by_slug) is None:
                return None  # an untold route is not drawn: no popup either
            return leg_popup(journey, leg, options)
        place = by_slug.get(ident)
        if place is None:
            return None
        if kind == "place":
            return area_popup(place, options) if place["approximate"] else None
        present = hazards_by_place(hazards).get(ident)
        if kind != "hazards" or not present:
            return None
        if len(present) == 1:
            return hazard_popup(present[0], options)
        shown = [hazard_popup(h, options) for h in present[:POPUP_HAZARDS]]
        return hazard_group_popup(present, place, shown)
