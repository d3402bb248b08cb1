"""The atlas home: every journey on one map, the journeys, the sources."""

from __future__ import annotations

from flask import Blueprint, Response

from ..pages.builders import home_page
from .rendering import html_response, journey_map, json_response

bp = Blueprint("atlas", __name__)


@bp.get("/")
def home() -> Response:
    data = home_page()
    parts = journey_map(
        data["map"]["journeys"],
        data["map"]["hazards"],
        data["map"]["places"],
        show_hazards=False,
        legend_open=False,
    )
    return html_response("home.html", data, map=parts)


@bp.get("/index.json")
def home_json() -> Response:
    return json_response(home_page())
