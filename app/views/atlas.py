"""The atlas home: every journey on one map, the journeys, the sources."""

from __future__ import annotations

from flask import Blueprint, Response

from ..pages.builders import home_page
from ..pages.cache import cached
from ..reader import classroom_setting
from .map_data import data_urls
from .rendering import html_response, journey_map, json_response

bp = Blueprint("atlas", __name__)


@bp.get("/")
def home() -> Response:
    data = cached("home", home_page)
    classroom = classroom_setting()
    parts = cached(
        ("home-map", classroom),
        lambda: journey_map(
            data["map"]["journeys"],
            data["map"]["hazards"],
            data["map"]["places"],
            show_hazards=False,
            legend_open=False,
            classroom=classroom,
            data=data_urls(None, classroom=classroom),
        ),
    )
    return html_response("home.html", data, map=parts, classroom=classroom)


@bp.get("/health")
def health() -> Response:
    """An empty answer: the reference the benchmarks measure page serving against."""
    return Response(status=204)


@bp.get("/index.json")
def home_json() -> Response:
    return json_response(cached("home", home_page))
