"""Plain, JSON-ready views of the records, shared by every page and by the map.

Everything here is data (dicts, lists, strings, numbers); nothing is HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import url_for

from ..geo import geodesic_km, round_km
from ..models import Citation, Discrepancy, Hazard, Journey, Leg, Place, Source
from ..vocabulary import HAZARD_KINDS, JOURNEY_KINDS, PRECISION_LABELS, sensitivity_labels

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


def place_data(place: Place) -> Data:
    area: Data = {"kind": place.area_kind}
    if place.area_geojson:
        area["geometry"] = json.loads(place.area_geojson)
    if place.circle_km:
        area["radius_km"] = place.circle_km
    return {
        "slug": place.slug,
        "name": place.name,
        "kind": place.kind,
        "precision": place.precision,
        "precision_label": PRECISION_LABELS[place.precision],
        "approximate": is_approximate(place),
        "provenance": place.provenance,
        "provenance_note": place.provenance_note,
        "anchor": anchor(place),
        "anchor_note": place.anchor_note,
        "area": area,
        **citations_data(place.citations),
    }


def leg_label(leg: Leg) -> str:
    return f"{leg.from_place.name} → {leg.to_place.name}"


def leg_distance_km(leg: Leg) -> float | None:
    """Geodesic distance between the two ends' representative points; none if untold."""
    a, b = anchor(leg.from_place), anchor(leg.to_place)
    if leg.route != "known" or a is None or b is None:
        return None
    return geodesic_km(a, b)


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
        "label": leg_label(leg),
        "from": leg.from_place.slug,
        "to": leg.to_place.slug,
        "from_name": leg.from_place.name,
        "to_name": leg.to_place.name,
        "route": leg.route,
        "precision": precision,
        "approximate": precision != "point",
        "summary": leg.summary,
        "distance_km": round_km(leg_distance_km(leg)),
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
                    "name": place.name,
                    "precision": place.precision,
                }
            )
    return stops


def hazard_data(hazard: Hazard) -> Data:
    kind = HAZARD_KINDS[hazard.kind]
    return {
        "slug": hazard.slug,
        "id": f"hazard-{hazard.slug}",
        "name": hazard.name,
        "kind": hazard.kind,
        "kind_label": kind.label,
        "icon": kind.icon,
        "color": kind.color,
        "summary": hazard.summary,
        "sensitivity": hazard.sensitivity_tags,
        "sensitivity_labels": sensitivity_labels(hazard.sensitivity_tags),
        "place": hazard.place.slug if hazard.place else None,
        "place_name": hazard.place.name if hazard.place else "place not told",
        "precision": hazard.place.precision if hazard.place else "unknown",
        "approximate": is_approximate(hazard.place) if hazard.place else True,
        # Drawn on the map only where its place has a location to draw.
        "mapped": hazard.place is not None and anchor(hazard.place) is not None,
        "journeys": [
            {"slug": j.slug, "title": j.title, "url": url_for("journeys.show", slug=j.slug)}
            for j in hazard.journeys
        ],
        "legs": [
            {
                "journey": leg.journey.slug,
                "order": leg.position,
                "label": leg_label(leg),
                "url": url_for("journeys.show", slug=leg.journey.slug) + f"#leg-{leg.position}",
            }
            for leg in sorted(hazard.legs, key=lambda x: (x.journey.position, x.position))
        ],
        **citations_data(hazard.citations),
    }


def discrepancy_data(disc: Discrepancy) -> Data:
    about = []
    for subject in disc.subjects:
        if subject.journey is not None:
            about.append(
                {"kind": "journey", "slug": subject.journey.slug, "name": subject.journey.title}
            )
        elif subject.hazard is not None:
            about.append(
                {"kind": "hazard", "slug": subject.hazard.slug, "name": subject.hazard.name}
            )
        elif subject.place is not None:
            about.append({"kind": "place", "slug": subject.place.slug, "name": subject.place.name})
    return {
        "slug": disc.slug,
        "topic": disc.topic,
        "summary": disc.summary,
        "about": about,
        "sides": [{"label": side.label, **citations_data(side.citations)} for side in disc.sides],
    }


def journey_summary(journey: Journey) -> Data:
    """What the atlas home lists for every journey: who, outcome, countries, distance."""
    distances = [leg_distance_km(leg) for leg in journey.legs]
    known = [d for d in distances if d is not None]
    countries: list[str] = []
    for leg in journey.legs:
        for place in (leg.from_place, leg.to_place):
            country = country_of(place)
            if country and country not in countries:
                countries.append(country)
    return {
        "slug": journey.slug,
        "title": journey.title,
        "who": journey.who,
        "outcome": journey.outcome,
        "outcome_label": journey.outcome_label,
        "kind": journey.kind,
        "kind_label": JOURNEY_KINDS[journey.kind],
        "summary": journey.summary,
        "url": url_for("journeys.show", slug=journey.slug),
        "countries": countries,
        "leg_count": len(journey.legs),
        "distance_km": round_km(sum(known)) if known else None,
        # True when some legs' routes are untold, so the total is a lower bound.
        "distance_partial": bool(known) and len(known) < len(distances),
        "hazard_count": len(journey.hazards),
    }


def country_of(place: Place) -> str | None:
    """The country a place lies in, by name, as recorded in the seed data."""
    if place.kind == "country":
        return place.name
    return place.country.name if place.country is not None else None
