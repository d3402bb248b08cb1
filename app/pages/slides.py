"""A journey as a slide deck, built from its journey page data: a title slide, an
overview, one slide per leg, the hazards no leg carries, and the sources.

Each slide says what to show (text, quotes) and where the map should look
(`focus`); the HTML presentation and its .json twin both render exactly this.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from .records import Data

# What a slide asks of the map: fit these points and these places' drawn areas,
# halo these legs, outline these areas, and show only these hazard symbols.
# `direct` adds the direct route across the inter-Korean border to the view.


def _focus(
    points: list[list[float]],
    *,
    areas: list[str] | None = None,
    legs: list[str] | None = None,
    hazards: list[str] | None = None,
    direct: bool = False,
) -> Data:
    return {
        "points": points,
        "areas": areas or [],
        "legs": legs or [],
        "hazards": hazards or [],
        "direct": direct,
    }


def _quote(citation: Data) -> Data:
    keys = (
        "key",
        "quote",
        "source",
        "source_name",
        "passage",
        "url",
        "sensitivity",
        "sensitivity_labels",
    )
    return {k: citation[k] for k in keys}


def _hazard(hazard: Data) -> Data:
    keys = ("slug", "id", "name", "kind_label", "icon", "color", "place_name", "mapped")
    return {**{k: hazard[k] for k in keys}, "fallback": _shown_english(hazard, *keys)}


def _shown_english(item: Data, *fields: str, renamed: dict[str, str] | None = None) -> list[str]:
    """Which of these fields the item shows in English for want of Korean
    (app/i18n/content.py); `renamed` maps a slide's field to the item's."""
    fallback = set(item.get("fallback", ()))
    names = {f: f for f in fields} | (renamed or {})
    return [slide_field for slide_field, field in names.items() if field in fallback]


def _point(place: Data) -> Data:
    """A place as a slide names it: who chose its point on the map, and its note."""
    keys = ("slug", "name", "anchor_note")
    return {
        **{k: place.get(k) for k in keys},
        "point": place["point"]["text"],
        "fallback": _shown_english(place, "name", "anchor_note"),
    }


def _anchors(slugs: list[str], places: dict[str, Data]) -> list[list[float]]:
    points: list[list[float]] = []
    for slug in slugs:
        anchor = places[slug]["anchor"]
        if anchor and anchor not in points:
            points.append(anchor)
    return points


def _sources(journey: Data) -> list[Data]:
    """The articles the journey's record, legs and hazards quote, with the passages."""
    citations = list(journey["citations"])
    for item in (*journey["legs"], *journey["hazards"]):
        citations.extend(item["citations"])
    found: dict[str, Data] = {}
    for c in citations:
        entry = found.setdefault(
            c["source"],
            {
                "slug": c["source"],
                "name": c["source_name"],
                "file": c["file"],
                "url": url_for("sources.show", slug=c["source"]),
                "passages": set(),
            },
        )
        entry["passages"].add(c["passage"])
    return [
        {**entry, "passages": sorted(entry["passages"])}
        for entry in sorted(found.values(), key=lambda e: e["file"])
    ]


def slide_deck(journey: Data) -> Data:
    places = {p["slug"]: p for p in journey["places"]}
    hazards = {h["slug"]: h for h in journey["hazards"]}
    route = _anchors([s["place"] for s in journey["stops"]], places)
    direct = journey["direct_route"]
    slides: list[Data] = [
        {
            "kind": "title",
            "heading": journey["title"],
            "kind_label": journey["kind_label"],
            "who": journey["who"],
            "outcome": journey["outcome"],
            "outcome_label": journey["outcome_label"],
            "fallback": _shown_english(
                journey, "who", "outcome_label", renamed={"heading": "title"}
            ),
            "focus": _focus(route),
        }
    ]

    slides.append(
        {
            "kind": "overview",
            "heading": _("The whole route") if journey["legs"] else _("Where it happened"),
            "distance_km": journey["distance_km"],
            "distance_leg_count": journey["distance_leg_count"],
            "direct_route": direct,
            "countries": journey["countries"],
            "leg_count": journey["leg_count"],
            "told_leg_count": sum(1 for leg in journey["legs"] if leg["route"] == "known"),
            "focus": _focus(
                route, legs=[leg["id"] for leg in journey["legs"]], direct=direct is not None
            ),
        }
    )

    on_legs: set[str] = set()
    for leg in journey["legs"]:
        on_legs.update(leg["hazards"])
        ends = [leg["from"], leg["to"]]
        shown = [hazards[slug] for slug in leg["hazards"]]
        mapped = [h["slug"] for h in shown if h["mapped"]]
        told = leg["route"] == "known"
        if told:
            # The two ends only: a hazard placed at a whole country would shrink the leg to
            # a speck (its symbol may then lie outside the view; the slide still names it).
            focus = _focus(_anchors(ends, places), legs=[leg["id"]], hazards=mapped)
        else:
            # No line to fly to: show where the leg began and ended, as areas.
            focus = _focus(
                _anchors(ends, places),
                areas=[slug for slug in ends if places[slug]["approximate"]],
                hazards=mapped,
            )
        slides.append(
            {
                "kind": "leg",
                "heading": leg["label"],
                "fallback": _shown_english(
                    leg, "from_name", "to_name", renamed={"heading": "label"}
                ),
                "id": leg["id"],
                "order": leg["order"],
                "of": len(journey["legs"]),
                "from_name": leg["from_name"],
                "to_name": leg["to_name"],
                "route": leg["route"],
                "approximate": leg["approximate"],
                "distance_km": leg["distance_km"],
                "drawing": leg["drawing"],
                "anchors": [places[leg["from"]]["anchor"], places[leg["to"]]["anchor"]],
                "places": [_point(places[slug]) for slug in dict.fromkeys(ends)],
                "hazards": [_hazard(h) for h in shown],
                "quotes": [_quote(c) for c in leg["citations"]],
                "focus": focus,
            }
        )

    loose = [h for h in journey["hazards"] if h["slug"] not in on_legs]
    if loose:
        mapped = [h["slug"] for h in loose if h["mapped"]]
        slides.append(
            {
                "kind": "hazards",
                "heading": _("Hazards along the way"),
                "hazards": [
                    {**_hazard(h), "quotes": [_quote(c) for c in h["citations"]]} for h in loose
                ],
                "focus": _focus(
                    _anchors([hazards[s]["place"] for s in mapped], places) or route,
                    hazards=mapped,
                ),
            }
        )

    slides.append(
        {
            "kind": "sources",
            "heading": _("Sources"),
            "sources": _sources(journey),
            "focus": _focus(route),
        }
    )
    for number, slide in enumerate(slides, 1):
        slide["number"] = number

    slug = journey["slug"]
    return {
        "title": _("Presentation: %(title)s", title=journey["title"]),
        "journey": {
            "slug": slug,
            "title": journey["title"],
            "fallback": _shown_english(journey, "title"),
            "kind": journey["kind"],
            "url": journey["url"],
        },
        "direct_route": direct,
        "slide_count": len(slides),
        "slides": slides,
        "links": {
            "html": url_for("present.show", slug=slug),
            "json": url_for("present.show_json", slug=slug),
            "journey": journey["url"],
        },
    }
