"""Plain, JSON-ready views of the records, shared by every page and by the map.

Everything here is data (dicts, lists, strings, numbers); nothing is HTML. Names and
summaries are in the request's language (app/i18n/content.py: `translated`); quotes
are always the articles' own words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from ..geo import AreaKey, areas_lower_bound_km, round_down
from ..i18n.content import joined, translated
from ..models import Citation, Discrepancy, Hazard, Journey, Leg, Place, Source
from ..vocabulary import (
    HAZARD_KINDS,
    JOURNEY_KINDS,
    PLACE_KIND_LABELS,
    PRECISION_LABELS,
    sensitivity_labels,
)

Data = dict[str, Any]


def source_name(source: Source) -> str:
    return source.title or source.label


def citation_url(citation: Citation) -> str:
    return (
        url_for("sources.show", slug=citation.source.slug, cite=citation.key)
        + f"#p-{citation.passage.number}"
    )


def citation_data(citation: Citation) -> Data:
    return {
        "key": citation.key,
        "source": citation.source.slug,
        "source_name": source_name(citation.source),
        "file": citation.source.file,
        "passage": citation.passage.number,
        "quote": citation.exact,
        "url": citation_url(citation),
        # Content notes: in the classroom setting the quote is shown only on request.
        "sensitivity": citation.sensitivity_tags,
        "sensitivity_labels": sensitivity_labels(citation.sensitivity_tags),
        # The W3C Web Annotation selectors the citation is stored as.
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": citation.exact,
                "prefix": citation.prefix,
                "suffix": citation.suffix,
            },
            {"type": "TextPositionSelector", "start": citation.start_pos, "end": citation.end_pos},
        ],
    }


def citations_data(citations: Iterable[Citation]) -> Data:
    items = [citation_data(c) for c in citations]
    return {"citations": items, "source_count": len({c["source"] for c in items})}


def is_approximate(place: Place) -> bool:
    return place.precision != "point"


def anchor(place: Place) -> list[float] | None:
    if place.anchor_lat is None or place.anchor_lon is None:
        return None
    return [place.anchor_lat, place.anchor_lon]


# Precisions known only to an area (a country, a region, a river or border's course):
# the map writes their stop number as the area's label, never as a pin on a spot.
AREA_LABEL_PRECISIONS = ("country", "region", "river")


def point_stated(place: Place) -> bool:
    """The sources themselves give the point (precision "point", provenance "stated");
    every other drawn point is the atlas's own choice. No seeded place is such today."""
    return place.precision == "point" and place.provenance == "stated"


def point_data(place: Place, name: str) -> Data:
    """Who chose the point the map draws for a place, in words for every page."""
    if anchor(place) is None:
        return {
            "chosen_by": None,
            "text": _("Not on the map: the sources do not say where %(place)s is", place=name),
        }
    if point_stated(place):
        return {
            "chosen_by": "sources",
            "text": _("The point the sources state for %(place)s", place=name),
        }
    if place.provenance == "stated":
        text = _(
            "The atlas's representative point for %(place)s, which the sources name but do "
            "not locate",
            place=name,
        )
    else:
        text = _(
            "The atlas's representative point for %(place)s, a place the atlas assumes "
            "(the sources do not name it)",
            place=name,
        )
    return {"chosen_by": "atlas", "text": text}


def place_data(place: Place) -> Data:
    area: Data = {"kind": place.area_kind}
    if place.area_geojson:
        area["geometry"] = json.loads(place.area_geojson)
    if place.circle_km:
        area["radius_km"] = place.circle_km
    texts = translated(
        name=(place.name, place.name_ko), anchor_note=(place.anchor_note, place.anchor_note_ko)
    )
    return {
        "slug": place.slug,
        **texts,
        # Who chose the drawn point, and how the map marks a stop there: a label on the
        # area for a place known only to an area, a pin only for a city or a point.
        "point": point_data(place, texts["name"]),
        "stop_style": "area" if place.precision in AREA_LABEL_PRECISIONS else "pin",
        "kind": place.kind,
        "kind_label": str(PLACE_KIND_LABELS.get(place.kind, place.kind)),
        "precision": place.precision,
        "precision_label": str(PRECISION_LABELS[place.precision]),
        "approximate": is_approximate(place),
        "provenance": place.provenance,
        "provenance_note": place.provenance_note,
        "anchor": anchor(place),
        "area": area,
        **citations_data(place.citations),
    }


def leg_label(leg: Leg) -> str:
    return f"{leg.from_place.name} → {leg.to_place.name}"


def leg_labels(leg: Leg) -> tuple[str, str | None]:
    """The leg's label in English and (when both ends have Korean names) Korean."""
    return joined(
        " → ",
        (leg.from_place.name, leg.from_place.name_ko),
        (leg.to_place.name, leg.to_place.name_ko),
    )


def area_key(place: Place) -> AreaKey:
    """The area the atlas draws for the place, as app/geo.py takes it."""
    point = anchor(place)
    return (
        place.area_kind,
        place.area_geojson,
        place.circle_km,
        tuple(point) if point is not None else None,
    )


def leg_distance_km(leg: Leg) -> float | None:
    """At least this many km in a straight line: the shortest distance between the two
    places' areas (not the points chosen inside them), rounded down. None for an untold
    route, an end with no location, or areas that touch (nothing worth saying)."""
    if leg.route != "known":
        return None
    return areas_lower_bound_km(area_key(leg.from_place), area_key(leg.to_place))


def leg_through(leg: Leg) -> str | None:
    """The country a leg drawn over land goes through, as the sources tell it: the
    country of its start (or, for a start on a border, of its end)."""
    if leg.drawing != "overland":
        return None
    return country_of(leg.from_place) or country_of(leg.to_place)


def leg_precision(leg: Leg) -> str:
    """A leg is only as precise as its vaguer end."""
    order = ("point", "city", "region", "river", "country", "unknown")
    ends = (leg.from_place.precision, leg.to_place.precision)
    return max(ends, key=order.index)


def leg_data(leg: Leg) -> Data:
    precision = leg_precision(leg)
    return {
        "order": leg.position,
        "id": f"leg-{leg.position}",
        **translated(
            label=leg_labels(leg),
            from_name=(leg.from_place.name, leg.from_place.name_ko),
            to_name=(leg.to_place.name, leg.to_place.name_ko),
            summary=(leg.summary, leg.summary_ko),
        ),
        "from": leg.from_place.slug,
        "to": leg.to_place.slug,
        "route": leg.route,
        # The atlas's drawing choice (app/maps/leg_paths.py): None, a schematic line.
        "drawing": leg.drawing if leg.route == "known" else None,
        "through": leg_through(leg),
        "precision": precision,
        "approximate": precision != "point",
        # A lower bound (see leg_distance_km), or None.
        "distance_km": leg_distance_km(leg),
        "hazards": [h.slug for h in leg.hazards],
        **citations_data(leg.citations),
    }


def journey_stops(journey: Journey) -> list[Data]:
    """The places in order of travel, numbered from 1; a gap between legs adds a stop."""
    stops: list[Data] = []
    for leg in journey.legs:
        ends = (
            (leg.from_place, leg.to_place)
            if not stops or stops[-1]["place"] != leg.from_place.slug
            else (leg.to_place,)
        )
        for place in ends:
            stops.append(
                {
                    "number": len(stops) + 1,
                    "place": place.slug,
                    **translated(name=(place.name, place.name_ko)),
                    "precision": place.precision,
                }
            )
    return stops


def hazard_data(hazard: Hazard) -> Data:
    kind = HAZARD_KINDS[hazard.kind]
    return {
        "slug": hazard.slug,
        "id": f"hazard-{hazard.slug}",
        **translated(
            name=(hazard.name, hazard.name_ko),
            summary=(hazard.summary, hazard.summary_ko),
            place_name=(hazard.place.name, hazard.place.name_ko)
            if hazard.place
            else (_("place not told"), _("place not told")),
        ),
        "kind": hazard.kind,
        "kind_label": str(kind.label),
        "icon": kind.icon,
        "color": kind.color,
        "sensitivity": hazard.sensitivity_tags,
        "sensitivity_labels": sensitivity_labels(hazard.sensitivity_tags),
        "place": hazard.place.slug if hazard.place else None,
        "precision": hazard.place.precision if hazard.place else "unknown",
        "approximate": is_approximate(hazard.place) if hazard.place else True,
        # Drawn on the map only where its place has a location to draw.
        "mapped": hazard.place is not None and anchor(hazard.place) is not None,
        "journeys": [
            {
                "slug": j.slug,
                **translated(title=(j.title, j.title_ko)),
                "url": url_for("journeys.show", slug=j.slug),
            }
            for j in hazard.journeys
        ],
        "legs": [
            {
                "journey": leg.journey.slug,
                "order": leg.position,
                **translated(label=leg_labels(leg)),
                "url": url_for("journeys.show", slug=leg.journey.slug) + f"#leg-{leg.position}",
            }
            for leg in sorted(hazard.legs, key=lambda x: (x.journey.position, x.position))
        ],
        **citations_data(hazard.citations),
    }


def discrepancy_data(disc: Discrepancy) -> Data:
    about = []
    # In the order they were recorded (the relationship has none: a database may return
    # them in any order, and did, once loaded for several discrepancies at a time).
    for subject in sorted(disc.subjects, key=lambda s: s.id):
        if subject.journey is not None:
            j = subject.journey
            about.append(
                {
                    "kind": "journey",
                    "kind_label": _("journey"),
                    "slug": j.slug,
                    **translated(name=(j.title, j.title_ko)),
                }
            )
        elif subject.hazard is not None:
            h = subject.hazard
            about.append(
                {
                    "kind": "hazard",
                    "kind_label": _("hazard"),
                    "slug": h.slug,
                    **translated(name=(h.name, h.name_ko)),
                }
            )
        elif subject.place is not None:
            p = subject.place
            about.append(
                {
                    "kind": "place",
                    "kind_label": _("place"),
                    "slug": p.slug,
                    **translated(name=(p.name, p.name_ko)),
                }
            )
    return {
        "slug": disc.slug,
        **translated(topic=(disc.topic, disc.topic_ko), summary=(disc.summary, disc.summary_ko)),
        "about": about,
        "sides": [
            {**translated(label=(side.label, side.label_ko)), **citations_data(side.citations)}
            for side in disc.sides
        ],
    }


def journey_summary(journey: Journey) -> Data:
    """What the atlas home lists for every journey: who, outcome, countries, distance."""
    known = [d for d in (leg_distance_km(leg) for leg in journey.legs) if d is not None]
    countries: list[str] = []
    for leg in journey.legs:
        for place in (leg.from_place, leg.to_place):
            country = country_of(place)
            if country and country not in countries:
                countries.append(country)
    return {
        "slug": journey.slug,
        **translated(
            title=(journey.title, journey.title_ko),
            who=(journey.who, journey.who_ko),
            outcome_label=(journey.outcome_label, journey.outcome_label_ko),
            summary=(journey.summary, journey.summary_ko),
        ),
        "outcome": journey.outcome,
        "kind": journey.kind,
        "kind_label": str(JOURNEY_KINDS[journey.kind]),
        "url": url_for("journeys.show", slug=journey.slug),
        "countries": countries,
        "leg_count": len(journey.legs),
        # At least this far in straight lines: the legs' lower bounds, summed over the
        # `distance_leg_count` legs that have one (rounded down like each of them).
        "distance_km": round_down(sum(known)) if known else None,
        "distance_leg_count": len(known),
        "hazard_count": len(journey.hazards),
    }


def country_of(place: Place) -> str | None:
    """The country a place lies in, by name (in the chosen language, English when it
    has no Korean name yet), as recorded in the seed data."""
    country = place if place.kind == "country" else place.country
    if country is None:
        return None
    return str(translated(name=(country.name, country.name_ko))["name"])
