"""One journey: its map and its itinerary (two views of one dataset), JSON and GeoJSON."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..pages.builders import journey_page, journeys_index
from ..pages.geojson import journey_geojson
from .rendering import html_response, journey_map, json_response

bp = Blueprint("journeys", __name__)


@bp.get("/journeys")
def index() -> Response:
    return html_response("journeys.html", journeys_index())


@bp.get("/journeys.json")
def index_json() -> Response:
    return json_response(journeys_index())


@bp.get("/journeys/<slug>")
def show(slug: str) -> Response:
    data = journey_page(slug)
    parts = journey_map([data], data["hazards"], data["places"])
    return html_response("journey.html", data, map=parts)


@bp.get("/journeys/<slug>.json")
def show_json(slug: str) -> Response:
    return json_response(journey_page(slug))


@bp.get("/journeys/<slug>.geojson")
def show_geojson(slug: str) -> Response:
    root = request.url_root.rstrip("/")
    return json_response(journey_geojson(journey_page(slug), root), mimetype="application/geo+json")
