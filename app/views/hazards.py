"""Every hazard across journeys, grouped by kind; and where the sources disagree."""

from __future__ import annotations

from flask import Blueprint, Response

from ..pages.builders import discrepancies_page, hazards_page
from ..pages.cache import cached
from .rendering import html_response, json_response

bp = Blueprint("hazards", __name__)


@bp.get("/hazards")
def index() -> Response:
    return html_response("hazards.html", cached("hazards", hazards_page))


@bp.get("/hazards.json")
def index_json() -> Response:
    return json_response(cached("hazards", hazards_page))


@bp.get("/discrepancies")
def discrepancies() -> Response:
    return html_response("discrepancies.html", cached("discrepancies", discrepancies_page))


@bp.get("/discrepancies.json")
def discrepancies_json() -> Response:
    return json_response(cached("discrepancies", discrepancies_page))
