"""One journey: its map and its itinerary (two views of one dataset), JSON and GeoJSON."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..pages.builders import journeys_index
from ..pages.cache import cached
from ..pages.geojson import journey_geojson
from ..pages.records import Data
from ..pages.shared import journey_data
from ..reader import classroom_setting
from .map_data import data_urls
from .paging import page
from .rendering import html_response, journey_map, json_response

bp = Blueprint("journeys", __name__)

# A leg names at most this many of its hazards (the rest counted).
LEG_HAZARDS = 10


def journey_lists(slug: str, data: Data) -> Data:
    """The journey page's long lists a page at a time (app/views/paging.py): which
    legs, hazards and places this page shows, and where a hazard is found."""
    positions: dict[str, int] = cached(
        ("journey-hazard-index", slug),
        lambda: {h["slug"]: i for i, h in enumerate(data["hazards"])},
    )
    pages = {
        "legs": page("legs", len(data["legs"])),
        "hazards": page("hazards", len(data["hazards"])),
        "places": page("places", len(data["places"])),
    }
    shown = pages["hazards"]

    def hazard_link(hazard_slug: str) -> str:
        position = positions[hazard_slug]
        if shown.start <= position < shown.end:
            return f"#hazard-{hazard_slug}"
        return shown.url(position // shown.size + 1, f"hazard-{hazard_slug}")

    return {
        "pages": pages,
        "hazard_index": positions,
        "hazard_link": hazard_link,
        "leg_hazards_cap": LEG_HAZARDS,
    }


@bp.get("/journeys")
def index() -> Response:
    return html_response("journeys.html", cached("journeys", journeys_index))


@bp.get("/journeys.json")
def index_json() -> Response:
    return json_response(cached("journeys", journeys_index))


@bp.get("/journeys/<slug>")
def show(slug: str) -> Response:
    data = journey_data(slug)
    classroom = classroom_setting()
    parts = cached(
        ("journey-map", slug, classroom),
        lambda: journey_map(
            [data],
            data["hazards"],
            data["places"],
            classroom=classroom,
            data=data_urls(slug, classroom=classroom),
        ),
    )
    return html_response(
        "journey.html", data, map=parts, classroom=classroom, **journey_lists(slug, data)
    )


@bp.get("/journeys/<slug>.json")
def show_json(slug: str) -> Response:
    return json_response(journey_data(slug))


@bp.get("/journeys/<slug>.geojson")
def show_geojson(slug: str) -> Response:
    # The citation URLs already carry the script root: only scheme and host are added.
    root = request.host_url.rstrip("/")
    return json_response(
        cached(("geojson", slug, root), lambda: journey_geojson(journey_data(slug), root)),
        mimetype="application/geo+json",
    )
