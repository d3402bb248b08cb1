"""Presentation mode: a journey as full-screen slides beside its map, and the deck as JSON.

The map is the journey's own Folium map (with the direct route drawn beside it, for
the overview); static/js/present.js moves it from slide to slide.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response

from ..maps.journey_map import MapParts
from ..pages.cache import cached
from ..pages.records import Data
from ..pages.shared import journey_data
from ..pages.slides import slide_deck
from ..reader import CLASSROOM_PARAM, LANGUAGE_PARAM, classroom_setting, url_language
from .map_data import data_urls
from .rendering import html_response, journey_map, json_response

bp = Blueprint("present", __name__)


def _deck(slug: str) -> Data:
    return cached(("present", slug), lambda: slide_deck(journey_data(slug)))


def _map(journey: Data, classroom: bool) -> MapParts:
    journeys, places = [journey], list(journey["places"])
    if journey["direct_route"]:
        direct = journey_data(journey["direct_route"]["slug"])
        journeys.append(direct)
        known = {p["slug"] for p in places}
        places += [p for p in direct["places"] if p["slug"] not in known]
    # Only the journey's own hazards: each slide shows those of its leg.
    return journey_map(
        journeys,
        journey["hazards"],
        places,
        legend_open=False,
        classroom=classroom,
        data=data_urls(journey["slug"], classroom=classroom, present=True),
    )


# Presentation mode starts in the classroom setting (a room may be a class): tagged
# quotes are shown on request, unless ?classroom=0. While it is on, links carry an
# explicit ?classroom=1, so a class stays in the classroom setting on every page.
def _keep_classroom(on: bool, language: str | None = None) -> Callable[[str], str]:
    """Links that keep the classroom setting, and the `?lang=` the deck was opened with."""
    carried = ([(CLASSROOM_PARAM, "1")] if on else []) + (
        [(LANGUAGE_PARAM, language)] if language else []
    )

    def link(url: str) -> str:
        if not carried:
            return url
        parts = urlsplit(url)
        names = {name for name, _ in carried}
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in names]
        return urlunsplit(parts._replace(query=urlencode([*query, *carried])))

    return link


# A deck shows at most this many leg slides; the rest are counted, with the way to the
# itinerary (1,000 slides cannot be presented, and would make the page megabytes).
LEG_SLIDES = 100


def shown_deck(deck: Data) -> Data:
    """The deck as the HTML presents it: the first LEG_SLIDES leg slides, then the
    closing slides, numbered again. The .json twin stays whole."""
    legs = [s for s in deck["slides"] if s["kind"] == "leg"]
    if len(legs) <= LEG_SLIDES:
        return deck
    dropped = {id(s) for s in legs[LEG_SLIDES:]}
    slides = [
        {**s, "number": n}
        for n, s in enumerate((s for s in deck["slides"] if id(s) not in dropped), 1)
    ]
    return {**deck, "slides": slides, "slide_count": len(slides), "legs_left_out": len(dropped)}


@bp.get("/present/journeys/<slug>")
def show(slug: str) -> Response:
    deck = cached(("present-shown", slug), lambda: shown_deck(_deck(slug)))
    classroom = classroom_setting(default=True, cookies=False)
    parts = cached(("present-map", slug, classroom), lambda: _map(journey_data(slug), classroom))
    link = _keep_classroom(classroom, url_language())
    return html_response("present.html", deck, map=parts, link=link, classroom=classroom)


@bp.get("/present/journeys/<slug>.json")
def show_json(slug: str) -> Response:
    return json_response(_deck(slug))
