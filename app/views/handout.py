"""The printable handout of a journey: a static SVG map, the itinerary, the hazards,
the quoted passages and a numbered reference list (A4 and Letter, by print CSS)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request

from ..maps.basemap import LABELS
from ..maps.svg_map import journey_svg
from ..pages.cache import cached
from ..pages.handout import handout_data
from ..pages.shared import journey_data
from ..reader import select_language
from .rendering import html_response

bp = Blueprint("handout", __name__)


@bp.get("/journeys/<slug>/handout")
def show(slug: str) -> Response:
    # The citation URLs already carry the script root: only scheme and host are added.
    root = request.host_url.rstrip("/")

    def build() -> tuple[dict[str, object], str]:
        page = journey_data(slug)
        language = select_language()
        labels = Path(current_app.static_folder or "") / LABELS.get(language, LABELS["en"])
        return handout_data(page, root), journey_svg(page, labels, language)

    data, svg = cached(("handout", slug, root), build)
    return html_response("handout.html", data, svg=svg)
