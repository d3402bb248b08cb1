"""One journey: its map and its itinerary (two views of one dataset), JSON and GeoJSON."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..pages.builders import journey_page, journeys_index
from ..pages.cache import cached
from ..pages.geojson import journey_geojson
from ..pages.records import Data
from .classroom import classroom_setting
from .rendering import html_response, journey_map, json_response

bp = Blueprint("journeys", __name__)


def journey_data(slug: str) -> Data:
    """A journey page's data, built once per dataset revision (also for other views)."""
    return cached(("journey", slug), lambda: journey_page(slug))


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
        lambda: journey_map([data], data["hazards"], data["places"], classroom=classroom),
    )
    return html_response("journey.html", data, map=parts, classroom=classroom)


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
